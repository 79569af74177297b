import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { createMember, type Member } from '../identity/member-fixture.ts';
import { novaCaller, waitForComputeHost } from './compute-fixture.ts';

const HOST = 'agg-test-host';

describe('os-aggregates and availability zones', () => {
  let cloud: TestCloud;
  let alice: Member;
  const nova = novaCaller(() => cloud);

  before(async () => {
    cloud = await startCloud(undefined, { network: { host: HOST } });
    alice = await createMember(cloud, 'agg-alice');
    await waitForComputeHost(cloud, HOST);
  });
  after(() => cloud.close());

  it('creates, shows, updates, lists and deletes aggregates', async () => {
    const admin = cloud.adminToken;
    const made = await nova(admin, 'POST', '/os-aggregates', { aggregate: { name: 'agg1' } });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const a = made.body.aggregate;
    assert.deepEqual(Object.keys(a).sort(), [
      'availability_zone',
      'created_at',
      'deleted',
      'deleted_at',
      'id',
      'name',
      'updated_at',
    ]);
    assert.equal(typeof a.id, 'number');
    const shown = await nova(admin, 'GET', `/os-aggregates/${a.id}`, undefined, '2.41');
    assert.match(shown.body.aggregate.uuid, /^[0-9a-f-]{36}$/);
    assert.deepEqual(shown.body.aggregate.hosts, []);
    const upd = await nova(admin, 'PUT', `/os-aggregates/${a.id}`, {
      aggregate: { name: 'agg1b', availability_zone: 'z1' },
    });
    assert.equal(upd.status, 200, JSON.stringify(upd.body));
    assert.equal(upd.body.aggregate.availability_zone, 'z1');
    assert.deepEqual(upd.body.aggregate.metadata, { availability_zone: 'z1' });
    assert.ok(upd.body.aggregate.updated_at);
    const list = await nova(admin, 'GET', '/os-aggregates');
    assert.equal(list.body.aggregates.length, 1);
    const dup = await nova(admin, 'POST', '/os-aggregates', { aggregate: { name: 'agg1b' } });
    assert.equal(dup.status, 409);
    assert.equal((await nova(admin, 'DELETE', `/os-aggregates/${a.id}`)).status, 200);
    assert.equal((await nova(admin, 'GET', `/os-aggregates/${a.id}`)).status, 404);
  });

  it('hosts join zones through aggregates, one zone per host', async () => {
    const admin = cloud.adminToken;
    const z1 = (
      await nova(admin, 'POST', '/os-aggregates', { aggregate: { name: 'zone-a', availability_zone: 'zone-a' } })
    ).body.aggregate;
    const z2 = (
      await nova(admin, 'POST', '/os-aggregates', { aggregate: { name: 'zone-b', availability_zone: 'zone-b' } })
    ).body.aggregate;
    const plain = (await nova(admin, 'POST', '/os-aggregates', { aggregate: { name: 'plain' } })).body.aggregate;
    const add = await nova(admin, 'POST', `/os-aggregates/${z1.id}/action`, { add_host: { host: HOST } });
    assert.equal(add.status, 200, JSON.stringify(add.body));
    assert.deepEqual(add.body.aggregate.hosts, [HOST]);
    assert.equal(
      (await nova(admin, 'POST', `/os-aggregates/${z1.id}/action`, { add_host: { host: HOST } })).status,
      409,
    );
    const clash = await nova(admin, 'POST', `/os-aggregates/${z2.id}/action`, { add_host: { host: HOST } });
    assert.equal(clash.status, 400, 'a host cannot be in two zones');
    assert.equal(
      (await nova(admin, 'POST', `/os-aggregates/${plain.id}/action`, { add_host: { host: HOST } })).status,
      200,
    );
    const setZone = await nova(admin, 'POST', `/os-aggregates/${plain.id}/action`, {
      set_metadata: { metadata: { availability_zone: 'zone-c' } },
    });
    assert.equal(setZone.status, 400, 'the plain aggregate cannot give the host a second zone');
    const meta = await nova(admin, 'POST', `/os-aggregates/${plain.id}/action`, {
      set_metadata: { metadata: { ssd: 'true', gone: null } },
    });
    assert.deepEqual(meta.body.aggregate.metadata, { ssd: 'true' });
    const unset = await nova(admin, 'POST', `/os-aggregates/${plain.id}/action`, {
      set_metadata: { metadata: { ssd: null } },
    });
    assert.deepEqual(unset.body.aggregate.metadata, {});

    const zones = await nova(alice.token, 'GET', '/os-availability-zone');
    assert.equal(zones.status, 200);
    const names = zones.body.availabilityZoneInfo.map((z: { zoneName: string }) => z.zoneName).sort();
    // zone-b has no hosts: Nova lists zones of services only.
    assert.deepEqual(names, ['zone-a']);
    const a = zones.body.availabilityZoneInfo.find((z: { zoneName: string }) => z.zoneName === 'zone-a');
    assert.deepEqual(a, { zoneName: 'zone-a', zoneState: { available: true }, hosts: null });
    const detail = await nova(admin, 'GET', '/os-availability-zone/detail');
    const da = detail.body.availabilityZoneInfo.find((z: { zoneName: string }) => z.zoneName === 'zone-a');
    assert.deepEqual(Object.keys(da.hosts[HOST]['nova-compute']).sort(), ['active', 'available', 'updated_at']);
    const internal = detail.body.availabilityZoneInfo.find((z: { zoneName: string }) => z.zoneName === 'internal');
    assert.deepEqual(Object.keys(internal.hosts[HOST]).sort(), ['nova-conductor', 'nova-scheduler']);
    assert.equal((await nova(alice.token, 'GET', '/os-availability-zone/detail')).status, 403);
    const services = await nova(admin, 'GET', `/os-services?host=${HOST}&binary=nova-compute`);
    assert.equal(services.body.services[0].zone, 'zone-a');

    const notEmpty = await nova(admin, 'DELETE', `/os-aggregates/${z1.id}`);
    assert.equal(notEmpty.status, 400);
    const rm = await nova(admin, 'POST', `/os-aggregates/${z1.id}/action`, { remove_host: { host: HOST } });
    assert.deepEqual(rm.body.aggregate.hosts, []);
    assert.equal(
      (await nova(admin, 'POST', `/os-aggregates/${z1.id}/action`, { remove_host: { host: HOST } })).status,
      404,
    );
    assert.equal(
      (await nova(admin, 'POST', `/os-aggregates/${z2.id}/action`, { add_host: { host: HOST } })).status,
      200,
    );
  });

  it('negatives', async () => {
    const admin = cloud.adminToken;
    const a = (await nova(admin, 'POST', '/os-aggregates', { aggregate: { name: 'neg' } })).body.aggregate;
    const cases: [string, string, string, unknown, number][] = [
      ['member create', alice.token, 'POST', { aggregate: { name: 'x' } }, 403],
      ['empty name', admin, 'POST', { aggregate: { name: '' } }, 400],
      ['long name', admin, 'POST', { aggregate: { name: 'a'.repeat(256) } }, 400],
      ['extra field', admin, 'POST', { aggregate: { name: 'x', colour: 1 } }, 400],
      ['internal zone', admin, 'POST', { aggregate: { name: 'x', availability_zone: 'internal' } }, 400],
    ];
    for (const [name, token, method, body, status] of cases)
      assert.equal((await nova(token, method, '/os-aggregates', body)).status, status, name);
    assert.equal((await nova(alice.token, 'GET', '/os-aggregates')).status, 403);
    assert.equal((await nova(alice.token, 'GET', `/os-aggregates/${a.id}`)).status, 403);
    assert.equal((await nova(alice.token, 'DELETE', `/os-aggregates/${a.id}`)).status, 403);
    assert.equal((await nova(admin, 'DELETE', '/os-aggregates/-1')).status, 404);
    assert.equal((await nova(admin, 'GET', '/os-aggregates/-1')).status, 404);
    const action = (body: unknown, token = admin) => nova(token, 'POST', `/os-aggregates/${a.id}/action`, body);
    assert.equal((await action({ add_host: { host: 'no-such-host' } })).status, 404);
    assert.equal((await action({ add_host: { host: HOST } }, alice.token)).status, 403);
    assert.equal((await action({ remove_host: { host: HOST } }, alice.token)).status, 403);
    assert.equal((await action({ remove_host: { host: 'no-such-host' } })).status, 404);
    assert.equal((await action({ bogus: {} })).status, 400);
    assert.equal((await action({ add_host: { host: HOST }, remove_host: { host: HOST } })).status, 400);
    assert.equal((await nova(admin, 'PUT', `/os-aggregates/${a.id}`, { aggregate: {} })).status, 400);
  });
});
