import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../helpers/cloud.ts';
import { hostOf, hostsReported, nova, publicImage, settled } from './conductor-fixture.ts';

const HOSTS = ['h1', 'h2', 'h3'];

test('the scheduler follows what the admin API says about hosts', async (t) => {
  const cloud = await startCloud(t, {
    compute: { hosts: HOSTS, fakeDelayMs: 10, quotas: { instances: -1, cores: -1, ram: -1 } },
  });
  await hostsReported(cloud, HOSTS);
  const imageRef = await publicImage(cloud);
  const boot = (name: string, extra: Record<string, unknown> = {}, mv = '2.37') =>
    nova(cloud, 'POST', '/servers', { server: { name, imageRef, flavorRef: '42', networks: 'none', ...extra } }, mv);

  await t.test('a forced host (az:host) gets the server', async () => {
    const res = await boot('forced', { availability_zone: 'nova:h3' });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const [server] = await settled(cloud, 'forced', 1);
    assert.equal(server.status, 'ACTIVE', JSON.stringify(server.fault));
    assert.equal(hostOf(server), 'h3');
  });

  await t.test('a requested host (2.74) gets the server', async () => {
    const res = await boot('requested', { host: 'h2' }, '2.74');
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const [server] = await settled(cloud, 'requested', 1);
    assert.equal(hostOf(server), 'h2');
  });

  await t.test('a disabled compute service gets no new servers', async (t) => {
    const services = await nova(cloud, 'GET', '/os-services?binary=nova-compute', undefined, '2.53');
    if (services.status !== 200) return t.skip('os-services not served yet');
    const h1 = services.body.services.find((s: { host: string }) => s.host === 'h1');
    const off = await nova(cloud, 'PUT', `/os-services/${h1.id}`, { status: 'disabled' }, '2.53');
    assert.equal(off.status, 200, JSON.stringify(off.body));
    const res = await boot('avoid', { min_count: 4 });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const servers = await settled(cloud, 'avoid', 4);
    assert.ok(
      servers.every((s) => s.status === 'ACTIVE' && hostOf(s) !== 'h1'),
      servers.map(hostOf).join(),
    );
    await nova(cloud, 'PUT', `/os-services/${h1.id}`, { status: 'enabled' }, '2.53');
  });

  await t.test("an aggregate's availability zone holds the servers asked into it", async (t) => {
    const agg = await nova(cloud, 'POST', '/os-aggregates', { aggregate: { name: 'zone2', availability_zone: 'az2' } });
    if (agg.status !== 200) return t.skip(`os-aggregates answered ${agg.status}`);
    const id = agg.body.aggregate.id;
    const added = await nova(cloud, 'POST', `/os-aggregates/${id}/action`, { add_host: { host: 'h2' } });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    const res = await boot('zoned', { availability_zone: 'az2', min_count: 2 });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const servers = await settled(cloud, 'zoned', 2);
    assert.ok(
      servers.every((s) => s.status === 'ACTIVE' && hostOf(s) === 'h2'),
      servers.map(hostOf).join(),
    );
    assert.ok(servers.every((s) => s['OS-EXT-AZ:availability_zone'] === 'az2'));
    // A server asked into no zone takes its host's zone.
    const [forced] = await settled(cloud, 'forced', 1);
    assert.equal(forced['OS-EXT-AZ:availability_zone'], 'nova');
  });
});
