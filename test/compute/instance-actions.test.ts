import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMember } from '../identity/member-fixture.ts';
import { serverFixture } from './servers-fixture.ts';

test('instance actions and events, per microversion', async (t) => {
  const f = await serverFixture(t);
  const uuid = await f.boot();
  await f.waitFor(uuid, 'ACTIVE');
  const stop = await f.compute('POST', `/servers/${uuid}/action`, { body: { 'os-stop': null } });
  assert.equal(stop.status, 202, JSON.stringify(stop.body));
  const stopRequest = stop.headers.get('x-openstack-request-id');
  await f.waitFor(uuid, 'SHUTOFF');

  await t.test('lists newest first with the 2.1 fields, 2.58 adds updated_at', async () => {
    const list = await f.compute('GET', `/servers/${uuid}/os-instance-actions`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const actions = list.body.instanceActions;
    assert.deepEqual(
      actions.map((a: { action: string }) => a.action),
      ['stop', 'create'],
    );
    assert.deepEqual(Object.keys(actions[0]).sort(), [
      'action',
      'instance_uuid',
      'message',
      'project_id',
      'request_id',
      'start_time',
      'user_id',
    ]);
    assert.equal(actions[0].request_id, stopRequest);
    const v258 = await f.compute('GET', `/servers/${uuid}/os-instance-actions?limit=1`, { mv: '2.58' });
    assert.equal(v258.body.instanceActions.length, 1);
    assert.ok('updated_at' in v258.body.instanceActions[0]);
    assert.match(v258.body.links[0].href, /marker=/);
    const rest = await f.compute('GET', `/servers/${uuid}/os-instance-actions?marker=${stopRequest}`, { mv: '2.58' });
    assert.deepEqual(
      rest.body.instanceActions.map((a: { action: string }) => a.action),
      ['create'],
    );
    assert.equal(
      (await f.compute('GET', `/servers/${uuid}/os-instance-actions?marker=nope`, { mv: '2.58' })).status,
      400,
    );
    const future = await f.compute('GET', `/servers/${uuid}/os-instance-actions?changes-since=2999-01-01T00:00:00Z`, {
      mv: '2.58',
    });
    assert.deepEqual(future.body.instanceActions, []);
    assert.equal(
      (await f.compute('GET', `/servers/${uuid}/os-instance-actions?changes-since=junk`, { mv: '2.58' })).status,
      400,
    );
  });

  await t.test('shows events: admins always, members from 2.51; host/hostId 2.62; details 2.84', async () => {
    const shown = await f.compute('GET', `/servers/${uuid}/os-instance-actions/${stopRequest}`);
    assert.equal(shown.status, 200, JSON.stringify(shown.body));
    const events = shown.body.instanceAction.events;
    assert.ok(events.length >= 1);
    assert.equal(events[0].event, 'compute_stop_instance');
    assert.equal(events[0].result, 'Success');
    assert.deepEqual(Object.keys(events[0]).sort(), ['event', 'finish_time', 'result', 'start_time', 'traceback']);
    const v262 = await f.compute('GET', `/servers/${uuid}/os-instance-actions/${stopRequest}`, { mv: '2.62' });
    assert.equal(typeof v262.body.instanceAction.events[0].host, 'string');
    assert.match(v262.body.instanceAction.events[0].hostId, /^[0-9a-f]{56}$/);
    const v284 = await f.compute('GET', `/servers/${uuid}/os-instance-actions/${stopRequest}`, { mv: '2.84' });
    assert.ok('details' in v284.body.instanceAction.events[0]);
    const missing = await f.compute('GET', `/servers/${uuid}/os-instance-actions/req-nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.itemNotFound.message, `Action for request_id req-nope on instance ${uuid} not found`);
  });

  await t.test('other projects get 404; deleted servers from 2.21', async () => {
    const bob = await createMember(f.cloud, 'ia-bob');
    assert.equal((await f.compute('GET', `/servers/${uuid}/os-instance-actions`, { token: bob.token })).status, 404);
    assert.equal((await f.compute('DELETE', `/servers/${uuid}`)).status, 204);
    await f.waitFor(uuid, 'DELETED');
    assert.equal((await f.compute('GET', `/servers/${uuid}/os-instance-actions`)).status, 404);
    const deleted = await f.compute('GET', `/servers/${uuid}/os-instance-actions`, { mv: '2.21' });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.instanceActions[0].action, 'delete');
  });
});

test('quotas at server create: instances, cores, ram (403 as Nova)', async (t) => {
  const f = await serverFixture(t);
  const alice = await createMember(f.cloud, 'quota-boot-alice');
  const put = await f.compute('PUT', `/os-quota-sets/${alice.projectId}`, {
    body: { quota_set: { instances: 1, cores: 20, ram: 51200 } },
  });
  assert.equal(put.status, 200);
  const boot = (name: string) =>
    f.compute('POST', '/servers', {
      token: alice.token,
      mv: '2.37',
      body: { server: { name, imageRef: f.imageId, flavorRef: '42', networks: 'none' } },
    });
  const first = await boot('q1');
  assert.equal(first.status, 202, JSON.stringify(first.body));
  const second = await boot('q2');
  assert.equal(second.status, 403, JSON.stringify(second.body));
  assert.match(
    second.body.forbidden.message,
    /^Quota exceeded for instances: Requested 1, but already used 1 of 1 instances/,
  );
  const detail = await f.compute('GET', `/os-quota-sets/${alice.projectId}/detail`);
  assert.deepEqual(detail.body.quota_set.instances, { limit: 1, in_use: 1, reserved: 0 });
  assert.equal(detail.body.quota_set.ram.in_use, 128);
  const limits = await f.compute('GET', '/limits', { token: alice.token });
  assert.equal(limits.body.limits.absolute.totalInstancesUsed, 1);
  assert.equal(limits.body.limits.absolute.totalCoresUsed, 1);
  await f.compute('PUT', `/os-quota-sets/${alice.projectId}`, { body: { quota_set: { instances: 10, ram: 200 } } });
  const ram = await boot('q3');
  assert.equal(ram.status, 403);
  assert.match(ram.body.forbidden.message, /ram/);
});
