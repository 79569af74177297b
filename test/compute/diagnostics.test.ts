import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMember } from '../identity/member-fixture.ts';
import { serverFixture } from './servers-fixture.ts';

const STANDARD_KEYS = [
  'config_drive',
  'cpu_details',
  'disk_details',
  'driver',
  'hypervisor',
  'hypervisor_os',
  'memory_details',
  'nic_details',
  'num_cpus',
  'num_disks',
  'num_nics',
  'state',
  'uptime',
];

test('server diagnostics, remote consoles, usage and migrations of a booted server', async (t) => {
  const f = await serverFixture(t);
  const uuid = await f.boot();
  await f.waitFor(uuid, 'ACTIVE');
  const bob = await createMember(f.cloud, 'diag-bob');

  await t.test('diagnostics: libvirt-style keys before 2.48, the standard form from 2.48, admin only', async () => {
    const old = await f.compute('GET', `/servers/${uuid}/diagnostics`);
    assert.equal(old.status, 200, JSON.stringify(old.body));
    assert.ok('cpu0_time' in old.body && 'memory' in old.body && 'vda_read' in old.body, JSON.stringify(old.body));
    const std = await f.compute('GET', `/servers/${uuid}/diagnostics`, { mv: '2.48' });
    assert.deepEqual(Object.keys(std.body).sort(), STANDARD_KEYS);
    assert.equal(std.body.state, 'running');
    assert.equal(std.body.driver, 'libvirt');
    assert.equal((await f.compute('GET', '/servers/00000000-0000-0000-0000-000000000000/diagnostics')).status, 404);
    const own = await f.compute('POST', '/servers', {
      token: bob.token,
      mv: '2.37',
      body: { server: { name: 'b', imageRef: f.imageId, flavorRef: '42', networks: 'none' } },
    });
    assert.equal(own.status, 202, JSON.stringify(own.body));
    assert.equal(
      (await f.compute('GET', `/servers/${own.body.server.id}/diagnostics`, { token: bob.token })).status,
      403,
    );
  });

  await t.test('remote consoles (2.6+) give a tokened URL under this cloud', async () => {
    const res = await f.compute('POST', `/servers/${uuid}/remote-consoles`, {
      mv: '2.6',
      body: { remote_console: { protocol: 'vnc', type: 'novnc' } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.remote_console.protocol, 'vnc');
    assert.equal(res.body.remote_console.type, 'novnc');
    assert.ok(res.body.remote_console.url.startsWith(`${f.cloud.base}/compute/console/`));
    const proxy = await fetch(res.body.remote_console.url);
    assert.equal(proxy.status, 200, 'the console proxy answers the noVNC page');
    assert.equal((await fetch(`${f.cloud.base}/compute/console/not-a-token`)).status, 404);
    const serial = await f.compute('POST', `/servers/${uuid}/remote-consoles`, {
      mv: '2.8',
      body: { remote_console: { protocol: 'serial', type: 'serial' } },
    });
    assert.equal(serial.status, 200);
    const bad: [unknown, string][] = [
      [{ remote_console: { protocol: 'vnc', type: 'spice-html5' } }, '2.6'],
      [{ remote_console: { protocol: 'telnet', type: 'novnc' } }, '2.6'],
      [{ remote_console: { protocol: 'mks', type: 'webmks' } }, '2.6'],
      [{ remote_console: { protocol: 'vnc' } }, '2.6'],
      [{ remote_console: { protocol: 'vnc', type: 'novnc', extra: 1 } }, '2.6'],
    ];
    for (const [body, mv] of bad)
      assert.equal(
        (await f.compute('POST', `/servers/${uuid}/remote-consoles`, { mv, body })).status,
        400,
        JSON.stringify(body),
      );
    assert.equal(
      (
        await f.compute('POST', `/servers/${uuid}/remote-consoles`, {
          body: { remote_console: { protocol: 'vnc', type: 'novnc' } },
        })
      ).status,
      404,
      'not before 2.6',
    );
  });

  await t.test('simple tenant usage counts the server', async () => {
    const start = new Date(Date.now() - 3600_000).toISOString().slice(0, 19);
    const end = new Date(Date.now() + 3600_000).toISOString().slice(0, 19);
    const all = await f.compute('GET', `/os-simple-tenant-usage?start=${start}&end=${end}&detailed=1`);
    assert.equal(all.status, 200, JSON.stringify(all.body));
    const mine = all.body.tenant_usages.find((u: { server_usages: { instance_id: string }[] }) =>
      u.server_usages.some((s) => s.instance_id === uuid),
    );
    assert.equal(Object.keys(mine).length, 8);
    const usage = mine.server_usages.find((s: { instance_id: string }) => s.instance_id === uuid);
    assert.equal(usage.memory_mb, 128);
    assert.equal(usage.flavor, 'm1.nano');
    assert.equal(usage.state, 'active');
    assert.ok(usage.hours > 0);
    const one = await f.compute('GET', `/os-simple-tenant-usage/${mine.tenant_id}?start=${start}&end=${end}`);
    assert.equal(Object.keys(one.body.tenant_usage).length, 8);
    const brief = await f.compute('GET', `/os-simple-tenant-usage?start=${start}&end=${end}`);
    assert.ok(!('server_usages' in brief.body.tenant_usages[0]));
    const empty = await f.compute('GET', `/os-simple-tenant-usage/nobody?start=${start}&end=${end}`);
    assert.deepEqual(empty.body, { tenant_usage: {} });
    assert.equal((await f.compute('GET', `/os-simple-tenant-usage?start=${end}&end=${start}`)).status, 400);
    assert.equal((await f.compute('GET', '/os-simple-tenant-usage?start=yesterday')).status, 400);
    assert.equal((await f.compute('GET', `/os-simple-tenant-usage/?start=${start}&end=${end}`)).status, 404);
    assert.equal((await f.compute('GET', '/os-simple-tenant-usage', { token: bob.token })).status, 403);
    const paged = await f.compute('GET', `/os-simple-tenant-usage?start=${start}&end=${end}&limit=1`, { mv: '2.40' });
    assert.equal(paged.body.tenant_usages.length, 1);
    assert.ok(paged.body.tenant_usages_links);
  });

  await t.test('migrations list a cold migration with the per-version fields', async () => {
    const mig = await f.compute('POST', `/servers/${uuid}/action`, { body: { migrate: null } });
    assert.ok([202, 400, 409].includes(mig.status), JSON.stringify(mig.body));
    const list = await f.compute('GET', '/os-migrations');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    for (const m of list.body.migrations)
      assert.deepEqual(Object.keys(m).sort(), [
        'created_at',
        'dest_compute',
        'dest_host',
        'dest_node',
        'id',
        'instance_uuid',
        'new_instance_type_id',
        'old_instance_type_id',
        'source_compute',
        'source_node',
        'status',
        'updated_at',
      ]);
    const v280 = await f.compute('GET', '/os-migrations?limit=5', { mv: '2.80' });
    for (const m of v280.body.migrations)
      for (const k of ['uuid', 'user_id', 'project_id', 'migration_type']) assert.ok(k in m, k);
    assert.equal((await f.compute('GET', '/os-migrations?bogus=1', { mv: '2.59' })).status, 400);
    assert.equal((await f.compute('GET', '/os-migrations?marker=nope', { mv: '2.59' })).status, 400);
    assert.equal((await f.compute('GET', '/os-migrations', { token: bob.token })).status, 403);
    const live = await f.compute('GET', `/servers/${uuid}/migrations`, { mv: '2.23' });
    assert.deepEqual(live.body, { migrations: [] });
    assert.equal((await f.compute('GET', `/servers/${uuid}/migrations/1`, { mv: '2.23' })).status, 404);
  });

  await t.test("the host's admin views show the server; its service cannot be deleted", async () => {
    const hyp = await f.compute('GET', '/os-hypervisors/detail?with_servers=true', { mv: '2.53' });
    const servers = hyp.body.hypervisors.flatMap((h: { servers?: { uuid: string }[] }) => h.servers ?? []);
    assert.ok(
      servers.some((s: { uuid: string }) => s.uuid === uuid),
      JSON.stringify(hyp.body),
    );
    const detail = hyp.body.hypervisors.find((h: { servers?: { uuid: string }[] }) =>
      (h.servers ?? []).some((s) => s.uuid === uuid),
    );
    // Usage figures come from the agent's next heartbeat (Nova's resource tracker), so they may lag here.
    const host = detail.service.host;
    const shown = await f.compute('GET', `/os-hosts/${host}`);
    assert.ok(shown.body.host.length >= 4, 'total, used now, used max and one project');
    const svc = (await f.compute('GET', `/os-services?host=${host}&binary=nova-compute`, { mv: '2.53' })).body
      .services[0];
    const del = await f.compute('DELETE', `/os-services/${svc.id}`, { mv: '2.53' });
    assert.equal(del.status, 409, JSON.stringify(del.body));
  });
});
