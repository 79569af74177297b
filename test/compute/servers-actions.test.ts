import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverFixture } from './servers-fixture.ts';

test('power, lock, rescue and console actions move the server through Nova states', async (t) => {
  const f = await serverFixture(t);
  const uuid = await f.boot();
  await f.waitFor(uuid, 'ACTIVE');
  const act = (body: unknown, mv?: string) => f.compute('POST', `/servers/${uuid}/action`, { body, mv });

  let res = await act({ reboot: { type: 'HARD' } });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  await f.waitFor(uuid, 'ACTIVE');
  assert.equal((await act({ reboot: { type: 'bogus' } })).status, 400);

  assert.equal((await act({ 'os-stop': null })).status, 202);
  await f.waitFor(uuid, 'SHUTOFF');
  res = await act({ 'os-stop': null });
  assert.equal(res.status, 409);
  assert.equal(res.body.conflictingRequest.message, `Cannot 'stop' instance ${uuid} while it is in vm_state stopped`);
  assert.equal((await act({ 'os-start': null })).status, 202);
  await f.waitFor(uuid, 'ACTIVE');

  assert.equal((await act({ pause: null })).status, 202);
  await f.waitFor(uuid, 'PAUSED');
  assert.equal((await act({ unpause: null })).status, 202);
  await f.waitFor(uuid, 'ACTIVE');
  assert.equal((await act({ suspend: null })).status, 202);
  await f.waitFor(uuid, 'SUSPENDED');
  assert.equal((await act({ resume: null })).status, 202);
  await f.waitFor(uuid, 'ACTIVE');

  assert.equal((await act({ lock: { locked_reason: 'maintenance' } }, '2.73')).status, 202);
  const locked = await f.compute('GET', `/servers/${uuid}`, { mv: '2.73' });
  assert.equal(locked.body.server.locked, true);
  assert.equal(locked.body.server.locked_reason, 'maintenance');
  assert.equal((await act({ lock: { locked_reason: 'x' } }, '2.72')).status, 400);
  assert.equal((await act({ unlock: null })).status, 202);

  res = await act({ rescue: { adminPass: 'rescue-pw' } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body, { adminPass: 'rescue-pw' });
  await f.waitFor(uuid, 'RESCUE');
  assert.equal((await act({ unrescue: null })).status, 202);
  await f.waitFor(uuid, 'ACTIVE');

  res = await act({ 'os-getConsoleOutput': { length: 5 } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(typeof res.body.output, 'string');

  res = await act({ noSuchAction: null });
  assert.equal(res.status, 400);
  assert.equal(res.body.badRequest.message, 'There is no such action: noSuchAction');
  assert.equal(
    (await f.compute('POST', '/servers/00000000-0000-0000-0000-000000000000/action', { body: { pause: null } })).status,
    404,
  );

  const actions = await f.compute('GET', `/servers/${uuid}/os-instance-actions`);
  if (actions.status === 200) {
    const names = actions.body.instanceActions.map((a: { action: string }) => a.action);
    for (const n of [
      'create',
      'reboot',
      'stop',
      'start',
      'pause',
      'unpause',
      'suspend',
      'resume',
      'lock',
      'unlock',
      'rescue',
      'unrescue',
    ])
      assert.ok(names.includes(n), `${n} in ${names}`);
  }

  // Nothing is soft-deleted (reclaim 0): restore is a 409; forceDelete deletes an idle server in any state.
  assert.equal((await act({ restore: null })).status, 409);
  assert.equal((await act({ forceDelete: null })).status, 202);
  await f.waitFor(uuid, 'DELETED');
});

test('resize, rebuild, snapshot and shelve', async (t) => {
  const f = await serverFixture(t);
  const uuid = await f.boot();
  await f.waitFor(uuid, 'ACTIVE');
  const act = (body: unknown, mv?: string) => f.compute('POST', `/servers/${uuid}/action`, { body, mv });

  let res = await act({ resize: { flavorRef: '42' } });
  assert.equal(res.status, 400);
  assert.equal(res.body.badRequest.message, 'When resizing, instances must change flavor!');
  assert.equal((await act({ resize: { flavorRef: 'nope' } })).status, 400);
  assert.equal((await act({ resize: { flavorRef: '84' } })).status, 202);
  await f.waitFor(uuid, 'VERIFY_RESIZE');
  assert.equal((await act({ revertResize: null })).status, 202);
  let s = await f.waitFor(uuid, 'ACTIVE');
  assert.equal(s.flavor.id, '42');
  assert.equal((await act({ resize: { flavorRef: '84' } })).status, 202);
  await f.waitFor(uuid, 'VERIFY_RESIZE');
  assert.equal((await act({ confirmResize: null })).status, 204);
  s = await f.waitFor(uuid, 'ACTIVE');
  assert.equal(s.flavor.id, '84');

  res = await act({ rebuild: { imageRef: f.imageId, name: 'rebuilt', metadata: { r: '1' } } });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  assert.equal(res.body.server.name, 'rebuilt');
  assert.equal(typeof res.body.server.adminPass, 'string');
  assert.equal(res.body.server['OS-EXT-STS:vm_state'], undefined);
  s = await f.waitFor(uuid, 'ACTIVE');
  assert.deepEqual(s.metadata, { r: '1' });

  res = await act({ createImage: { name: 'snap', metadata: { k: 'v', image_type: 'test' } } });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const location = res.headers.get('location') ?? '';
  const imageId = location.split('/').pop() as string;
  assert.match(imageId, /^[0-9a-f-]{36}$/);
  const end = Date.now() + 10000;
  let image: Record<string, unknown> = {};
  while (Date.now() < end) {
    image = (await f.cloud.call('GET', `/image/v2/images/${imageId}`, { token: f.token })).body;
    if (image.status === 'active') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(image.status, 'active');
  // The caller's metadata wins over Nova's own properties, as in Nova.
  assert.equal(image.image_type, 'test');
  assert.equal(image.instance_uuid, uuid);
  assert.equal(image.k, 'v');
  await f.waitFor(uuid, 'ACTIVE');
  // A snapshot carries base_image_ref and instance_uuid properties: rebuilding from it keeps one copy of each.
  res = await act({ rebuild: { imageRef: imageId } }, '2.75');
  assert.equal(res.status, 202, JSON.stringify(res.body));
  assert.equal(res.body.server.image.id, imageId);
  assert.ok('user_data' in res.body.server);
  assert.equal(res.body.server['OS-EXT-SRV-ATTR:user_data'], undefined);
  await f.waitFor(uuid, 'ACTIVE');
  res = await act({ createImage: { name: 'snap2' } }, '2.45');
  assert.equal(res.status, 202);
  assert.match(res.body.image_id, /^[0-9a-f-]{36}$/);
  await f.waitFor(uuid, 'ACTIVE');

  assert.equal((await act({ shelve: null })).status, 202);
  await f.waitFor(uuid, 'SHELVED_OFFLOADED');
  assert.equal((await act({ unshelve: null })).status, 202);
  await f.waitFor(uuid, 'ACTIVE');
});
