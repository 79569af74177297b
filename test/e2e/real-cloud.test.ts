/**
 * Issue 6, acceptance item 1, end to end with the real openstack CLI against a real `strata start --first-run`
 * (qemu driver, linux dataplane): tenant network, router to `public`, security group, key pair, two 256 MB
 * servers that get their address by DHCP and their key from the metadata service, SSH through a floating IP from
 * a client namespace on the external network, ping between the servers, isolation from another project,
 * a removed SSH rule, snapshot and boot from it, reboot, stop/start, resize, and nothing left after deleting all.
 * The steps share one cloud and run in order; a failed step makes the later ones fail fast on missing state.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findLeftovers, processesOf } from '../../scripts/conformance/host-leftovers.ts';
import {
  consoleLog,
  type E2eCloud,
  e2eSkipReason,
  FLAVOR,
  fixedIp,
  keyPath,
  readyLine,
  type ServerRow,
  startE2eCloud,
  waitFor,
  waitReady,
  waitStatus,
} from './real-cloud-fixture.ts';

const skip = await e2eSkipReason();
if (skip) console.log(`# skipped: real instances: ${skip}`);
const opts = { skip: skip ?? false, timeout: 600_000 };

let e2e: E2eCloud;
const ids = { servers: new Map<string, string>(), ips: new Map<string, string>(), fip: '', sshRule: '' };
const key = () => keyPath(e2e, 'e2e-key');
const keyB = () => keyPath(e2e, 'e2e-key-b');

before(async () => {
  if (!skip) e2e = await startE2eCloud();
});
after(async () => {
  await e2e?.close();
});

/** Boots `name` and waits for ACTIVE, the metadata line and READY with its fixed IP; records id and IP. */
async function boot(os: E2eCloud['admin'], name: string, args: string[], network: string): Promise<ServerRow> {
  const created = (await os(['server', 'create', '--flavor', FLAVOR.name, ...args, name])) as ServerRow;
  ids.servers.set(name, created.id);
  const active = await waitStatus(os, created.id, 'ACTIVE');
  const ip = fixedIp(active, network);
  ids.ips.set(name, ip);
  const log = await waitReady(os, created.id);
  assert.match(
    log,
    /STRATA-GUEST-INFO metadata=openstack keys=1/,
    `${name} did not get its key from the metadata service`,
  );
  assert.equal(readyLine(log).ip, ip, `${name}'s DHCP address is not its fixed IP`);
  return active;
}

test('network, subnet, router to public, security group, key pair, flavor', opts, async () => {
  const os = e2e.admin;
  await os([
    'flavor',
    'create',
    '--ram',
    String(FLAVOR.ram),
    '--vcpus',
    String(FLAVOR.vcpus),
    '--disk',
    String(FLAVOR.disk),
    FLAVOR.name,
  ]);
  await os(['flavor', 'create', '--ram', '384', '--vcpus', '1', '--disk', '2', 'm1.strata-resize']);
  const net = await os(['network', 'create', 'e2e-net']);
  e2e.scope.networkIds.push(net.id);
  await os(['subnet', 'create', '--network', 'e2e-net', '--subnet-range', '10.50.0.0/24', 'e2e-subnet']);
  const router = await os(['router', 'create', 'e2e-router']);
  e2e.scope.routerIds.push(router.id);
  await os(['router', 'set', '--external-gateway', 'public', 'e2e-router'], { json: false });
  await os(['router', 'add', 'subnet', 'e2e-router', 'e2e-subnet'], { json: false });
  await os(['security', 'group', 'create', 'e2e-sg']);
  const ssh = await os(['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '22', 'e2e-sg']);
  ids.sshRule = ssh.id;
  await os(['security', 'group', 'rule', 'create', '--protocol', 'icmp', 'e2e-sg']);
  await os(['keypair', 'create', '--private-key', key(), 'e2e-key']);
  const images = (await os(['image', 'list', '--name', 'strata-guest'])) as { ID: string; Status: string }[];
  assert.equal(
    images[0]?.Status,
    'active',
    `--first-run uploaded no active strata-guest image:\n${e2e.cloud.output()}`,
  );
});

test('two servers: ACTIVE, DHCP address and key from the metadata service in the console log', opts, async () => {
  const args = [
    '--image',
    'strata-guest',
    '--network',
    'e2e-net',
    '--security-group',
    'e2e-sg',
    '--key-name',
    'e2e-key',
  ];
  await Promise.all([boot(e2e.admin, 'vm1', args, 'e2e-net'), boot(e2e.admin, 'vm2', args, 'e2e-net')]);
});

test('SSH through a floating IP from a client namespace on the external network runs a command', opts, async () => {
  const os = e2e.admin;
  const fip = await os(['floating', 'ip', 'create', 'public']);
  ids.fip = fip.floating_ip_address;
  await os(['server', 'add', 'floating', 'ip', 'vm1', ids.fip], { json: false });
  const out = await waitFor(
    `ssh root@${ids.fip}`,
    async () => {
      const r = await e2e.ssh(key(), ids.fip, 'echo e2e-ok $(hostname)');
      return r.code === 0 ? r.stdout : undefined;
    },
    60_000,
    2000,
  );
  assert.match(out, /e2e-ok vm1/);
});

test('the two servers ping each other on the tenant network', opts, async () => {
  const other = ids.ips.get('vm2')!;
  const r = await waitFor(
    `vm1 pinging vm2 (${other})`,
    async () => {
      const p = await e2e.ssh(key(), ids.fip, `ping -c1 -W2 ${other}`);
      return p.code === 0 ? p : undefined;
    },
    30_000,
    2000,
  );
  assert.match(r.stdout, /1 packets received|1 received/);
});

test("a server on another project's network cannot reach them", opts, async () => {
  const os = e2e.admin;
  const project = await os(['project', 'create', '--domain', 'Default', 'e2e-other']);
  await os([
    'user',
    'create',
    '--domain',
    'Default',
    '--project',
    project.id,
    '--password',
    'e2e-other-pw',
    'e2e-other',
  ]);
  await os(['role', 'add', '--project', project.id, '--user', 'e2e-other', 'member'], { json: false });
  await e2e.cli.addCloud('other', {
    username: 'e2e-other',
    password: 'e2e-other-pw',
    project_id: project.id,
    user_domain_name: 'Default',
  });
  const b = (args: string[], o?: { json?: boolean }) => e2e.cli.os(args, { ...o, cloud: 'other' });
  const net = await b(['network', 'create', 'other-net']);
  e2e.scope.networkIds.push(net.id);
  await b(['subnet', 'create', '--network', 'other-net', '--subnet-range', '10.60.0.0/24', 'other-subnet']);
  const router = await b(['router', 'create', 'other-router']);
  e2e.scope.routerIds.push(router.id);
  await b(['router', 'set', '--external-gateway', 'public', 'other-router'], { json: false });
  await b(['router', 'add', 'subnet', 'other-router', 'other-subnet'], { json: false });
  await b(['security', 'group', 'create', 'other-sg']);
  await b(['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '22', 'other-sg']);
  await b(['security', 'group', 'rule', 'create', '--protocol', 'icmp', 'other-sg']);
  await b(['keypair', 'create', '--private-key', keyB(), 'e2e-key-b']);
  const args = [
    '--image',
    'strata-guest',
    '--network',
    'other-net',
    '--security-group',
    'other-sg',
    '--key-name',
    'e2e-key-b',
  ];
  await boot(b, 'vm-other', args, 'other-net');
  const fip = await b(['floating', 'ip', 'create', 'public']);
  await b(['server', 'add', 'floating', 'ip', 'vm-other', fip.floating_ip_address], { json: false });
  await waitFor(
    `ssh into vm-other (${fip.floating_ip_address})`,
    async () => ((await e2e.ssh(keyB(), fip.floating_ip_address, 'true')).code === 0 ? true : undefined),
    60_000,
    2000,
  );
  for (const target of ['vm1', 'vm2']) {
    const ip = ids.ips.get(target)!;
    const p = await e2e.ssh(keyB(), fip.floating_ip_address, `ping -c2 -W2 ${ip}`);
    assert.notEqual(p.code, 0, `vm-other reached ${target} (${ip}) on project A's network:\n${p.stdout}`);
  }
});

test('deleting the SSH rule blocks new SSH connections (ICMP still passes)', opts, async () => {
  await e2e.admin(['security', 'group', 'rule', 'delete', ids.sshRule], { json: false });
  await waitFor(
    'SSH to be refused after the rule was deleted',
    async () => ((await e2e.ssh(key(), ids.fip, 'true', { timeoutS: 4 })).code !== 0 ? true : undefined),
    30_000,
    1000,
  );
  const ping = await e2e.client('busybox', ['ping', '-c1', '-W2', ids.fip]);
  assert.equal(ping.code, 0, `ICMP to ${ids.fip} stopped too: ${ping.stdout}${ping.stderr}`);
  const again = await e2e.admin([
    'security',
    'group',
    'rule',
    'create',
    '--protocol',
    'tcp',
    '--dst-port',
    '22',
    'e2e-sg',
  ]);
  ids.sshRule = again.id;
});

test('snapshot one server and boot a third from the snapshot', opts, async () => {
  const os = e2e.admin;
  await os(['server', 'image', 'create', '--name', 'e2e-snap', 'vm2']);
  await waitFor(
    'snapshot e2e-snap active',
    async () => ((await os(['image', 'show', 'e2e-snap'])).status === 'active' ? true : undefined),
    180_000,
    2000,
  );
  const args = ['--image', 'e2e-snap', '--network', 'e2e-net', '--security-group', 'e2e-sg', '--key-name', 'e2e-key'];
  await boot(os, 'vm3', args, 'e2e-net');
});

test('reboot, stop/start and resize (confirmed) of a running server', opts, async () => {
  const os = e2e.admin;
  const id = ids.servers.get('vm3')!;
  const readies = async () => (await consoleLog(os, id)).match(/STRATA-GUEST-READY/g)?.length ?? 0;
  let seen = await readies();

  await os(['server', 'reboot', id], { json: false });
  await waitStatus(os, id, 'ACTIVE');
  await waitReady(os, id, ++seen);

  await os(['server', 'stop', id], { json: false });
  await waitStatus(os, id, 'SHUTOFF');
  assert.equal(qemuOf(id).length, 0, 'a stopped server still has a QEMU process');
  await os(['server', 'start', id], { json: false });
  await waitStatus(os, id, 'ACTIVE');
  seen = Math.max(seen, await readies());
  await waitReady(os, id, seen + 1);
  seen += 1;

  await os(['server', 'resize', '--flavor', 'm1.strata-resize', id], { json: false });
  await waitStatus(os, id, 'VERIFY_RESIZE', 180_000);
  await os(['server', 'resize', 'confirm', id], { json: false });
  const resized = await waitStatus(os, id, 'ACTIVE');
  assert.match(JSON.stringify(resized.flavor), /m1\.strata-resize/);
  await waitReady(os, id, seen + 1);
  const qemu = qemuOf(id);
  assert.equal(qemu.length, 1, `expected one QEMU process for ${id}`);
  assert.match(qemu[0].cmd, /-m 384\b/, "the resized guest does not have the new flavor's RAM");
});

test('deleting everything leaves no tap, bridge, namespace, nft table, dnsmasq or QEMU process', opts, async () => {
  const os = e2e.admin;
  const other = (args: string[], o?: { json?: boolean }) => e2e.cli.os(args, { ...o, cloud: 'other' });
  for (const id of ids.servers.values()) await os(['server', 'delete', '--wait', id], { json: false });
  for (const fip of (await os(['floating', 'ip', 'list'])) as { ID: string }[])
    await os(['floating', 'ip', 'delete', fip.ID], { json: false });
  await os(['router', 'remove', 'subnet', 'e2e-router', 'e2e-subnet'], { json: false });
  await os(['router', 'delete', 'e2e-router'], { json: false });
  await other(['router', 'remove', 'subnet', 'other-router', 'other-subnet'], { json: false });
  await other(['router', 'delete', 'other-router'], { json: false });
  await os(['network', 'delete', 'e2e-net'], { json: false });
  await other(['network', 'delete', 'other-net'], { json: false });
  await os(['image', 'delete', 'e2e-snap'], { json: false });
  await e2e.dropClient();
  const left = await waitFor(
    'the dataplane and QEMU to clean up',
    async () => {
      const found = (await findLeftovers(e2e.scope)).filter(
        (l) => !l.startsWith(`link brq${e2e.publicNetworkId.slice(0, 11)} `),
      );
      return found.length === 0 ? found : undefined;
    },
    30_000,
    2000,
  ).catch(async () => findLeftovers(e2e.scope));
  // `public` stays (the cloud's external network), and so may its bridge; everything of this test must go.
  const publicBridge = `brq${e2e.publicNetworkId.slice(0, 11)}`;
  const ours = left.filter((l) => !l.startsWith(`link ${publicBridge} `));
  const still = ours.length ? JSON.stringify(await os(['port', 'list', '--long'])) : '';
  assert.deepEqual(ours, [], `left on the host after deleting everything (ports the API still lists: ${still})`);
  await e2e.cloud.stop();
  assert.deepEqual(
    processesOf(e2e.cloud.dataDir).map((p) => `${p.pid} ${p.cmd}`),
    [],
    'QEMU or dnsmasq processes left after the cloud stopped',
  );
});

/** The QEMU process of an instance (its uuid is on the command line: `-uuid <id>`). */
function qemuOf(id: string) {
  return processesOf(e2e.cloud.dataDir).filter((p) => /qemu-system/.test(p.cmd) && p.cmd.includes(id));
}
