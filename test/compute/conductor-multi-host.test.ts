import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../helpers/cloud.ts';
import { HOSTS, hostOf, hostsReported, nova, publicImage, type Server, settled } from './conductor-fixture.ts';

const countBy = (servers: Server[]) => {
  const counts = new Map<string, number>();
  for (const s of servers) counts.set(hostOf(s), (counts.get(hostOf(s)) ?? 0) + 1);
  return counts;
};

test('scheduling over five fake hosts', async (t) => {
  const cloud = await startCloud(t, {
    compute: {
      hosts: HOSTS,
      fakeDelayMs: 10,
      fakeResources: { vcpus: 64, memoryMb: 16384, localGb: 1000 },
      quotas: { instances: -1, cores: -1, ram: -1 },
    },
  });
  await hostsReported(cloud, HOSTS);
  const imageRef = await publicImage(cloud);
  const boot = (server: Record<string, unknown>, hints?: Record<string, unknown>) =>
    nova(cloud, 'POST', '/servers', {
      server: { imageRef, flavorRef: '42', networks: 'none', ...server },
      ...(hints && { 'os:scheduler_hints': hints }),
    });

  await t.test('ten servers spread two per host by free RAM', async () => {
    const res = await boot({ name: 'spread', min_count: 10 });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const servers = await settled(cloud, 'spread', 10);
    assert.ok(
      servers.every((s) => s.status === 'ACTIVE'),
      JSON.stringify(servers.map((s) => s.fault)),
    );
    assert.deepEqual([...countBy(servers).values()], [2, 2, 2, 2, 2]);
    // The claims are Placement's: every host's usage holds its two servers' RAM.
    const usage = await cloud.call('GET', `/placement/usages?project_id=${servers[0].tenant_id}`, {
      token: cloud.adminToken,
      headers: { 'openstack-api-version': 'placement 1.9' },
    });
    assert.equal(usage.body.usages.MEMORY_MB, 10 * 128);
    for (const s of servers) assert.equal((await nova(cloud, 'DELETE', `/servers/${s.id}`)).status, 204);
  });

  await t.test('a flavor larger than every host ends in ERROR with the fault', async () => {
    const flavor = await nova(cloud, 'POST', '/flavors', {
      flavor: { name: 'huge', ram: 32768, vcpus: 1, disk: 1, id: 'huge' },
    });
    assert.equal(flavor.status, 200, JSON.stringify(flavor.body));
    const res = await boot({ name: 'toobig', flavorRef: 'huge' });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const [server] = await settled(cloud, 'toobig', 1);
    assert.equal(server.status, 'ERROR');
    assert.equal(server.fault.code, 500);
    assert.match(server.fault.message, /^No valid host was found/);
    assert.equal(hostOf(server), null);
    const actions = await nova(cloud, 'GET', `/servers/${server.id}/os-instance-actions`);
    if (actions.status === 200) assert.equal(actions.body.instanceActions[0].action, 'create');
    assert.equal((await nova(cloud, 'DELETE', `/servers/${server.id}`)).status, 204);
    assert.equal((await nova(cloud, 'GET', `/servers/${server.id}`)).status, 404);
  });

  const group = async (policy: string) => {
    const res = await nova(cloud, 'POST', '/os-server-groups', { server_group: { name: policy, policy } }, '2.64');
    return res.status === 200 ? (res.body.server_group.id as string) : undefined;
  };

  await t.test('anti-affinity puts every member on its own host; one more has no host', async (t) => {
    const id = await group('anti-affinity');
    if (!id) return t.skip('os-server-groups not served yet (task F)');
    const res = await boot({ name: 'anti', min_count: 5 }, { group: id });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const servers = await settled(cloud, 'anti', 5);
    assert.ok(servers.every((s) => s.status === 'ACTIVE'));
    assert.equal(new Set(servers.map(hostOf)).size, 5);
    const sixth = await boot({ name: 'anti-extra' }, { group: id });
    assert.equal(sixth.status, 202, JSON.stringify(sixth.body));
    const [extra] = await settled(cloud, 'anti-extra', 1);
    assert.equal(extra.status, 'ERROR');
    assert.match(extra.fault.message, /^No valid host was found/);
  });

  await t.test('affinity keeps every member on one host', async (t) => {
    const id = await group('affinity');
    if (!id) return t.skip('os-server-groups not served yet (task F)');
    for (let i = 0; i < 3; i++) {
      const res = await boot({ name: `aff-${i}` }, { group: id });
      assert.equal(res.status, 202, JSON.stringify(res.body));
    }
    const servers = await settled(cloud, 'aff-', 3);
    assert.ok(servers.every((s) => s.status === 'ACTIVE'));
    assert.equal(new Set(servers.map(hostOf)).size, 1);
  });

  await t.test('soft-anti-affinity spreads as far as it can', async (t) => {
    const id = await group('soft-anti-affinity');
    if (!id) return t.skip('os-server-groups not served yet (task F)');
    const res = await boot({ name: 'soft', min_count: 5 }, { group: id });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const servers = await settled(cloud, 'soft', 5);
    assert.equal(new Set(servers.map(hostOf)).size, 5);
  });
});
