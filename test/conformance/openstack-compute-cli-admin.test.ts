import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hasOpenstackCli } from './openstack-cli.ts';
import { type ComputeCli, computeCli, sshPublicKeyFile, waitForStatus } from './openstack-compute-cli-fixture.ts';

const skip = hasOpenstackCli ? false : 'python3-openstackclient is not installed';
const quiet = { json: false };

/** A `quota show` row's value, whichever way this client names it (`instances`, `Instances`, ...). */
const quotaValue = (shown: Record<string, unknown>, name: string) =>
  Object.entries(shown).find(([k]) => k.toLowerCase().replace(/[ _-]/g, '') === name)?.[1];

/**
 * The real `openstack` CLI (6.0) on Compute's catalogue and admin resources: flavors, key pairs, quotas and
 * limits, hypervisors, services, aggregates and zones, usage, and a server no host can take.
 */
describe('openstack CLI: compute catalogue and admin resources', { skip, timeout: 900_000 }, () => {
  let c: ComputeCli;

  before(async () => {
    c = await computeCli();
  });
  after(() => c?.cloud.close());

  it('flavor list/create/show/set --property/delete', async () => {
    const seeded = (await c.admin(['flavor', 'list'])).map((f: { Name: string }) => f.Name);
    for (const name of ['m1.nano', 'm1.micro', 'm1.tiny', 'm1.small']) assert.ok(seeded.includes(name), `${seeded}`);
    const made = await c.admin([
      'flavor',
      'create',
      '--ram',
      '256',
      '--disk',
      '2',
      '--vcpus',
      '2',
      '--property',
      'hw:cpu_policy=shared',
      'cli.flavor',
    ]);
    assert.equal(made.ram, 256);
    assert.equal(made.vcpus, 2);
    await c.admin(['flavor', 'set', '--property', 'hw:mem_page_size=small', 'cli.flavor'], quiet);
    const shown = await c.admin(['flavor', 'show', 'cli.flavor']);
    assert.match(JSON.stringify(shown.properties), /hw:cpu_policy.*shared/);
    assert.match(JSON.stringify(shown.properties), /hw:mem_page_size.*small/);
    // A member sees public flavors but may not make them.
    assert.ok((await c.alice(['flavor', 'list'])).some((f: { Name: string }) => f.Name === 'cli.flavor'));
    await assert.rejects(c.alice(['flavor', 'create', '--ram', '64', 'nope']), /403|forbidden|not allowed/i);
    await c.admin(['flavor', 'delete', 'cli.flavor'], quiet);
    assert.ok(!(await c.admin(['flavor', 'list'])).some((f: { Name: string }) => f.Name === 'cli.flavor'));
  });

  it('keypair create (generated and --public-key import)/list/show/delete', async () => {
    const generated = await c.alice(['keypair', 'create', 'gen-key'], quiet);
    assert.match(generated, /PRIVATE KEY/);
    const { path, key } = await sshPublicKeyFile(c.dataDir, 'imported');
    const imported = await c.alice(['keypair', 'create', '--public-key', path, 'imp-key']);
    assert.match(imported.fingerprint, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    const names = (await c.alice(['keypair', 'list'])).map((k: { Name: string }) => k.Name).sort();
    assert.deepEqual(names, ['gen-key', 'imp-key']);
    const shown = await c.alice(['keypair', 'show', 'imp-key']);
    assert.equal(shown.fingerprint, imported.fingerprint);
    const publicKey = await c.alice(['keypair', 'show', '--public-key', 'imp-key'], quiet);
    assert.equal(publicKey.trim(), key);
    // Key pairs belong to the user: the admin does not see alice's.
    assert.ok(!(await c.admin(['keypair', 'list'])).some((k: { Name: string }) => k.Name === 'imp-key'));
    await c.alice(['keypair', 'delete', 'gen-key', 'imp-key'], quiet);
    assert.deepEqual(await c.alice(['keypair', 'list']), []);
  });

  it('quota show/set and limits show', async () => {
    const before = await c.admin(['quota', 'show', c.member.projectId]);
    assert.equal(quotaValue(before, 'instances'), 10);
    assert.equal(quotaValue(before, 'cores'), 20);
    await c.admin(['quota', 'set', '--instances', '12', '--cores', '30', '--ram', '60000', c.member.projectId], quiet);
    const set = await c.admin(['quota', 'show', c.member.projectId]);
    assert.equal(quotaValue(set, 'instances'), 12);
    assert.equal(quotaValue(set, 'cores'), 30);
    assert.equal(quotaValue(set, 'ram'), 60000);
    const limits = await c.alice(['limits', 'show', '--absolute']);
    const limit = (name: string) => limits.find((l: { Name: string }) => l.Name === name)?.Value;
    assert.equal(limit('maxTotalInstances'), 12);
    assert.equal(limit('maxTotalCores'), 30);
    assert.equal(limit('totalInstancesUsed'), 0);
  });

  it('hypervisor list/show/stats; compute service list, set --disable/--enable', async () => {
    const hypervisors = await c.admin(['hypervisor', 'list']);
    assert.equal(hypervisors.length, 1, JSON.stringify(hypervisors));
    const hostname = hypervisors[0]['Hypervisor Hostname'];
    const shown = await c.admin(['hypervisor', 'show', hostname]);
    assert.equal(shown.hypervisor_hostname, hostname);
    assert.equal(shown.state, 'up');
    assert.equal(shown.status, 'enabled');
    const stats = await c.admin(['hypervisor', 'stats', 'show']);
    assert.equal(stats.count, 1);
    assert.ok(stats.vcpus > 0 && stats.memory_mb > 0, JSON.stringify(stats));

    const services = await c.admin(['compute', 'service', 'list']);
    const agent = services.find((s: { Binary: string }) => s.Binary === 'nova-compute');
    assert.ok(agent, JSON.stringify(services));
    assert.equal(agent.State, 'up');
    assert.equal(agent.Status, 'enabled');
    await c.admin(
      ['compute', 'service', 'set', '--disable', '--disable-reason', 'cli test', agent.Host, 'nova-compute'],
      quiet,
    );
    const disabled = (await c.admin(['compute', 'service', 'list', '--long'])).find(
      (s: { Binary: string }) => s.Binary === 'nova-compute',
    );
    assert.equal(disabled.Status, 'disabled');
    assert.equal(disabled['Disabled Reason'], 'cli test');
    await c.admin(['compute', 'service', 'set', '--enable', agent.Host, 'nova-compute'], quiet);
    const enabled = (await c.admin(['compute', 'service', 'list'])).find(
      (s: { Binary: string }) => s.Binary === 'nova-compute',
    );
    assert.equal(enabled.Status, 'enabled');
  });

  it('aggregate create --zone/add host/set --zone/remove host/delete; availability zone list', async () => {
    const host = (await c.admin(['compute', 'service', 'list'])).find(
      (s: { Binary: string }) => s.Binary === 'nova-compute',
    ).Host;
    const zones = await c.alice(['availability', 'zone', 'list', '--compute']);
    assert.ok(
      zones.some((z: Record<string, string>) => z['Zone Name'] === 'nova' && /available/.test(z['Zone Status'])),
    );

    await c.admin(['aggregate', 'create', '--zone', 'az-one', 'agg1']);
    await c.admin(['aggregate', 'add', 'host', 'agg1', host]);
    await c.admin(['aggregate', 'set', '--zone', 'az-two', '--property', 'ssd=true', 'agg1'], quiet);
    const shown = await c.admin(['aggregate', 'show', 'agg1']);
    assert.equal(shown.availability_zone, 'az-two');
    assert.match(JSON.stringify(shown.hosts), new RegExp(host));
    assert.match(JSON.stringify(shown.properties), /ssd/);
    const zoned = await c.admin(['availability', 'zone', 'list', '--compute']);
    assert.ok(
      zoned.some((z: Record<string, string>) => z['Zone Name'] === 'az-two'),
      JSON.stringify(zoned),
    );
    await c.admin(['aggregate', 'remove', 'host', 'agg1', host]);
    await c.admin(['aggregate', 'delete', 'agg1'], quiet);
    assert.ok(!(await c.admin(['aggregate', 'list'])).some((a: { Name: string }) => a.Name === 'agg1'));
  });

  it('a server no host can take goes to ERROR with a fault; usage list counts the servers', async () => {
    // 700,000 GB of disk: more than the fake host's 600,000 GB, and disk is not a quota, so only the scheduler
    // says no.
    await c.admin(['flavor', 'create', '--ram', '64', '--disk', '700000', '--vcpus', '1', 'too.big']);
    const big = await c.alice([
      'server',
      'create',
      '--image',
      'cirros-cli',
      '--flavor',
      'too.big',
      '--network',
      'app-net',
      'vm-big',
    ]);
    const failed = await waitForStatus(c.cloud, c.member.token, big.id, 'ERROR');
    assert.match(failed.fault?.message ?? '', /No valid host was found/);
    const shown = await c.alice(['server', 'show', 'vm-big']);
    assert.match(JSON.stringify(shown.fault), /No valid host was found/);

    const ok = await c.alice([
      'server',
      'create',
      '--image',
      'cirros-cli',
      '--flavor',
      'm1.nano',
      '--network',
      'app-net',
      '--wait',
      'vm-ok',
    ]);
    assert.equal(ok.status, 'ACTIVE');
    const usage = await c.admin(['usage', 'list']);
    const mine = usage.find(
      (u: Record<string, string>) => u.Project === c.member.projectId || u.Project === 'cli-compute-alice-p',
    );
    assert.ok(mine, JSON.stringify(usage));
    // The table shows a count; -f json gives the server usages themselves.
    const servers = Array.isArray(mine.Servers) ? mine.Servers : [];
    assert.ok(
      servers.some((u: { name: string; state: string }) => u.name === 'vm-ok' && u.state === 'active') ||
        Number(mine.Servers) >= 1,
      JSON.stringify(mine),
    );

    await c.alice(['server', 'delete', '--wait', 'vm-big', 'vm-ok'], quiet);
    assert.deepEqual(await c.alice(['server', 'list']), []);
    await c.admin(['flavor', 'delete', 'too.big'], quiet);
  });
});
