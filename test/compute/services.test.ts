import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { createMember, type Member } from '../identity/member-fixture.ts';
import { novaCaller, waitForComputeHost } from './compute-fixture.ts';

const HOST = 'svc-test-host';

describe('os-services', () => {
  let cloud: TestCloud;
  let alice: Member;
  const nova = novaCaller(() => cloud);

  before(async () => {
    cloud = await startCloud(undefined, { network: { host: HOST } });
    alice = await createMember(cloud, 'svc-alice');
    await waitForComputeHost(cloud, HOST);
  });
  after(() => cloud.close());

  it('lists the agent-reported compute service with the 2.1, 2.11 and 2.53 shapes', async () => {
    const v21 = await nova(cloud.adminToken, 'GET', '/os-services');
    assert.equal(v21.status, 200);
    const svc = v21.body.services.find(
      (s: { host: string; binary: string }) => s.host === HOST && s.binary === 'nova-compute',
    );
    assert.deepEqual(Object.keys(svc).sort(), [
      'binary',
      'disabled_reason',
      'host',
      'id',
      'state',
      'status',
      'updated_at',
      'zone',
    ]);
    assert.equal(typeof svc.id, 'number');
    assert.equal(svc.binary, 'nova-compute');
    assert.equal(svc.zone, 'nova');
    assert.equal(svc.status, 'enabled');
    assert.equal(svc.state, 'up');
    assert.match(svc.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const v211 = await nova(
      cloud.adminToken,
      'GET',
      `/os-services?host=${HOST}&binary=nova-compute`,
      undefined,
      '2.11',
    );
    assert.equal(v211.body.services.length, 1);
    assert.equal(v211.body.services[0].forced_down, false);
    assert.deepEqual((await nova(cloud.adminToken, 'GET', '/os-services?host=xxx')).body.services, []);
    assert.deepEqual((await nova(cloud.adminToken, 'GET', `/os-services?host=${HOST}&binary=xxx`)).body.services, []);
    assert.equal(
      (await nova(cloud.adminToken, 'GET', '/os-services?xxx=1')).body.services.length,
      v21.body.services.length,
    );
    assert.equal((await nova(cloud.adminToken, 'GET', '/os-services?xxx=1', undefined, '2.75')).status, 400);
    const v253 = await nova(cloud.adminToken, 'GET', '/os-services', undefined, '2.53');
    assert.match(v253.body.services[0].id, /^[0-9a-f-]{36}$/);
    assert.equal((await nova(alice.token, 'GET', '/os-services')).status, 403);
    const controller = v21.body.services.filter((s: { binary: string }) => s.binary !== 'nova-compute');
    assert.deepEqual(controller.map((s: { binary: string }) => s.binary).sort(), ['nova-conductor', 'nova-scheduler']);
    for (const s of controller) assert.deepEqual([s.zone, s.state, s.status], ['internal', 'up', 'enabled']);
  });

  it('legacy enable/disable/disable-log-reason/force-down (≤ 2.52)', async () => {
    const admin = cloud.adminToken;
    const body = { host: HOST, binary: 'nova-compute' };
    const dis = await nova(admin, 'PUT', '/os-services/disable', body);
    assert.equal(dis.status, 200, JSON.stringify(dis.body));
    assert.deepEqual(dis.body.service, { host: HOST, binary: 'nova-compute', status: 'disabled' });
    const why = await nova(admin, 'PUT', '/os-services/disable-log-reason', {
      ...body,
      disabled_reason: 'maintenance',
    });
    assert.deepEqual(why.body.service, {
      host: HOST,
      binary: 'nova-compute',
      status: 'disabled',
      disabled_reason: 'maintenance',
    });
    const listed = await nova(admin, 'GET', `/os-services?host=${HOST}&binary=nova-compute`);
    assert.equal(listed.body.services[0].disabled_reason, 'maintenance');
    const zones = await nova(admin, 'GET', '/os-availability-zone');
    assert.deepEqual(zones.body.availabilityZoneInfo, [
      { zoneName: 'nova', zoneState: { available: false }, hosts: null },
    ]);
    const en = await nova(admin, 'PUT', '/os-services/enable', body);
    assert.equal(en.body.service.status, 'enabled');
    const down = await nova(admin, 'PUT', '/os-services/force-down', { ...body, forced_down: true }, '2.11');
    assert.deepEqual(down.body.service, { host: HOST, binary: 'nova-compute', forced_down: true });
    assert.equal(
      (await nova(admin, 'GET', `/os-services?host=${HOST}&binary=nova-compute`)).body.services[0].state,
      'down',
    );
    await nova(admin, 'PUT', '/os-services/force-down', { ...body, forced_down: false }, '2.11');
    for (const [path, b, mv, status] of [
      ['/os-services/enable', { host: 'nohost', binary: 'nova-compute' }, undefined, 404],
      ['/os-services/bogus', body, undefined, 404],
      ['/os-services/force-down', { ...body, forced_down: true }, '2.10', 404],
      ['/os-services/enable', { host: HOST }, undefined, 400],
      ['/os-services/disable-log-reason', body, undefined, 400],
    ] as [string, unknown, string | undefined, number][]) {
      const res = await nova(admin, 'PUT', path, b, mv);
      assert.equal(res.status, status, `${path}: ${JSON.stringify(res.body)}`);
    }
    assert.equal((await nova(alice.token, 'PUT', '/os-services/disable', body)).status, 403);
  });

  it('2.53 updates by uuid and refuses bad updates', async () => {
    const admin = cloud.adminToken;
    const svc = (await nova(admin, 'GET', `/os-services?host=${HOST}&binary=nova-compute`, undefined, '2.53')).body
      .services[0];
    const upd = await nova(
      admin,
      'PUT',
      `/os-services/${svc.id}`,
      { status: 'disabled', disabled_reason: 'why' },
      '2.53',
    );
    assert.equal(upd.status, 200, JSON.stringify(upd.body));
    assert.deepEqual(Object.keys(upd.body.service).sort(), [
      'binary',
      'disabled_reason',
      'forced_down',
      'host',
      'id',
      'state',
      'status',
      'updated_at',
      'zone',
    ]);
    assert.equal(upd.body.service.status, 'disabled');
    const back = await nova(admin, 'PUT', `/os-services/${svc.id}`, { status: 'enabled' }, '2.53');
    assert.equal(back.body.service.disabled_reason, null);
    const missing = '00000000-0000-0000-0000-000000000000';
    for (const [id, body, status] of [
      [missing, { status: 'enabled' }, 404],
      ['not-a-uuid', { status: 'enabled' }, 400],
      [svc.id, {}, 400],
      [svc.id, { status: 'enabled', disabled_reason: 'x' }, 400],
      [svc.id, { status: 'paused' }, 400],
      [svc.id, { forced_down: 'yes' }, 400],
    ] as [string, unknown, number][])
      assert.equal((await nova(admin, 'PUT', `/os-services/${id}`, body, '2.53')).status, status, JSON.stringify(body));
    assert.equal((await nova(admin, 'DELETE', `/os-services/${missing}`, undefined, '2.53')).status, 404);
    assert.equal((await nova(admin, 'DELETE', '/os-services/abc', undefined, '2.53')).status, 400);
  });
});
