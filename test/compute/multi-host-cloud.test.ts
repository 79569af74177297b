import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { eventually, HOSTS, nova } from './conductor-fixture.ts';

test('five fake compute hosts report to Placement and servers spread over them', async (t) => {
  const cloud = await startCloud(t, { compute: { hosts: HOSTS, fakeDelayMs: 20 } });

  // Every agent's first heartbeat becomes a resource provider with the fake inventory.
  const providers = await eventually('five resource providers', async () => {
    const res = await cloud.call('GET', '/placement/resource_providers', {
      token: cloud.adminToken,
      headers: { 'openstack-api-version': 'placement 1.14' },
    });
    const names = (res.body?.resource_providers ?? []).map((p: { name: string }) => p.name).sort();
    return HOSTS.every((h) => names.includes(h)) ? res.body.resource_providers : undefined;
  });
  const h1 = providers.find((p: { name: string }) => p.name === 'h1');
  const inv = await cloud.call('GET', `/placement/resource_providers/${h1.uuid}/inventories`, {
    token: cloud.adminToken,
  });
  assert.equal(inv.body.inventories.VCPU.total, 1000);

  const services = await nova(cloud, 'GET', '/os-services?binary=nova-compute');
  if (services.status === 200) {
    const hosts = services.body.services.map((s: { host: string }) => s.host).sort();
    assert.deepEqual(hosts, HOSTS);
    assert.ok(services.body.services.every((s: { state: string }) => s.state === 'up'));
  } else t.diagnostic(`os-services answered ${services.status} (task F not in yet)`);

  const image = await cloud.call('POST', '/image/v2/images', {
    token: cloud.adminToken,
    body: { name: 'multi-host', disk_format: 'qcow2', container_format: 'bare', visibility: 'public' },
  });
  assert.equal(image.status, 201, JSON.stringify(image.body));
  const upload = await cloud.call('PUT', `/image/v2/images/${image.body.id}/file`, {
    token: cloud.adminToken,
    raw: 'x'.repeat(1024),
    headers: { 'content-type': 'application/octet-stream' },
  });
  assert.equal(upload.status, 204);

  const created = await nova(cloud, 'POST', '/servers', {
    server: { name: 'spread', imageRef: image.body.id, flavorRef: '42', networks: 'none', min_count: 5 },
  });
  assert.equal(created.status, 202, JSON.stringify(created.body));
  const list = await eventually('five ACTIVE servers', async () => {
    const res = await nova(cloud, 'GET', '/servers/detail?name=spread');
    const servers = res.body?.servers ?? [];
    if (servers.some((s: { status: string }) => s.status === 'ERROR'))
      throw new Error(JSON.stringify(servers.map((s: { fault?: unknown }) => s.fault)));
    return servers.length === 5 && servers.every((s: { status: string }) => s.status === 'ACTIVE')
      ? servers
      : undefined;
  });
  const used = new Set(list.map((s: Record<string, string>) => s['OS-EXT-SRV-ATTR:host']));
  assert.ok(
    [...used].every((h) => HOSTS.includes(h as string)),
    JSON.stringify([...used]),
  );
  t.diagnostic(`servers on ${[...used].sort().join(', ')}`);
  assert.ok(list.every((s: Record<string, number>) => s['OS-EXT-STS:power_state'] === 1));

  // The agent's console log names the instance's hostname.
  const one = list[0];
  const log = await nova(cloud, 'POST', `/servers/${one.id}/action`, { 'os-getConsoleOutput': { length: 5 } });
  if (log.status === 200) assert.match(log.body.output, /login:/);
  else t.diagnostic(`os-getConsoleOutput answered ${log.status}`);

  for (const s of list) assert.equal((await nova(cloud, 'DELETE', `/servers/${s.id}`)).status, 204);
  await eventually('servers gone', async () => {
    const res = await nova(cloud, 'GET', '/servers?name=spread');
    return res.body?.servers?.length === 0 ? true : undefined;
  });
});

async function waitStatus(cloud: TestCloud, id: string, status: string): Promise<Record<string, any>> {
  return eventually(`${id} ${status}`, async () => {
    const res = await nova(cloud, 'GET', `/servers/${id}`, undefined, '2.60');
    const s = res.body?.server;
    if (s?.status === 'ERROR' && status !== 'ERROR') throw new Error(`ERROR: ${JSON.stringify(s.fault)}`);
    return s?.status === status && !s['OS-EXT-STS:task_state'] ? s : undefined;
  });
}

test('a server moves between fake hosts: snapshot, resize + confirm, live migration, shelve + unshelve', async (t) => {
  const cloud = await startCloud(t, { compute: { hosts: ['h1', 'h2', 'h3'], fakeDelayMs: 10 } });
  await eventually('three providers', async () => {
    const res = await cloud.call('GET', '/placement/resource_providers', { token: cloud.adminToken });
    return res.body?.resource_providers?.length === 3 ? true : undefined;
  });
  const image = await cloud.call('POST', '/image/v2/images', {
    token: cloud.adminToken,
    body: { name: 'mover', disk_format: 'raw', container_format: 'bare', visibility: 'public' },
  });
  await cloud.call('PUT', `/image/v2/images/${image.body.id}/file`, {
    token: cloud.adminToken,
    raw: 'y'.repeat(2048),
    headers: { 'content-type': 'application/octet-stream' },
  });
  const created = await nova(cloud, 'POST', '/servers', {
    server: { name: 'mover', imageRef: image.body.id, flavorRef: '42', networks: 'none' },
  });
  assert.equal(created.status, 202, JSON.stringify(created.body));
  const id = created.body.server.id;
  let server = await waitStatus(cloud, id, 'ACTIVE');
  const act = async (body: unknown, mv = '2.60') => {
    const res = await nova(cloud, 'POST', `/servers/${id}/action`, body, mv);
    assert.ok(
      [200, 202, 204].includes(res.status),
      `${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`,
    );
    return res;
  };

  // snapshot: the agent streams the fake qcow2 to the Image service
  const snap = await act({ createImage: { name: 'mover-snap' } });
  const snapId = snap.body?.image_id ?? snap.headers.get('location')?.split('/').pop();
  const img = await eventually('snapshot active', async () => {
    const res = await cloud.call('GET', `/image/v2/images/${snapId}`, { token: cloud.adminToken });
    return res.body?.status === 'active' ? res.body : undefined;
  });
  assert.equal(img.size, 8192);
  server = await waitStatus(cloud, id, 'ACTIVE');

  // resize to another host, confirm
  const first = server['OS-EXT-SRV-ATTR:host'];
  await act({ resize: { flavorRef: '84' } });
  server = await waitStatus(cloud, id, 'VERIFY_RESIZE');
  assert.notEqual(server['OS-EXT-SRV-ATTR:host'], first);
  await act({ confirmResize: null });
  server = await waitStatus(cloud, id, 'ACTIVE');
  assert.equal(server.flavor.original_name, 'm1.micro');

  // live migration to any other host
  const before = server['OS-EXT-SRV-ATTR:host'];
  await act({ 'os-migrateLive': { host: null, block_migration: 'auto' } });
  server = await waitStatus(cloud, id, 'ACTIVE');
  assert.notEqual(server['OS-EXT-SRV-ATTR:host'], before);

  // shelve (offloaded at once by default), unshelve onto some host
  await act({ shelve: null });
  server = await waitStatus(cloud, id, 'SHELVED_OFFLOADED');
  assert.equal(server['OS-EXT-SRV-ATTR:host'], null);
  await act({ unshelve: null });
  server = await waitStatus(cloud, id, 'ACTIVE');
  assert.ok(['h1', 'h2', 'h3'].includes(server['OS-EXT-SRV-ATTR:host']));

  const events = await nova(cloud, 'GET', `/servers/${id}/os-instance-actions`, undefined, '2.60');
  if (events.status === 200)
    t.diagnostic(`actions: ${events.body.instanceActions.map((a: { action: string }) => a.action).join(', ')}`);
});
