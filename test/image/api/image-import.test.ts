import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';
import { createMember } from '../../identity/member-fixture.ts';
import {
  createImage,
  dataFiles,
  getFile,
  md5,
  putData,
  sha512,
  showImage,
  waitForStatus,
} from '../image-data-fixture.ts';

test('info: import methods and stores', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const imp = await cloud.call('GET', '/image/v2/info/import', { token });
  assert.equal(imp.status, 200);
  assert.deepEqual(imp.body['import-methods'].value, ['glance-direct', 'copy-image']);
  assert.equal(imp.body['import-methods'].type, 'array');
  const stores = await cloud.call('GET', '/image/v2/info/stores', { token });
  assert.equal(stores.status, 200);
  assert.equal(stores.body.stores.length, 1);
  assert.equal(stores.body.stores[0].id, 'file');
  assert.equal(stores.body.stores[0].default, 'true');
  assert.equal(typeof stores.body.stores[0].description, 'string');
  assert.equal((await cloud.call('GET', '/image/v2/info/stores')).status, 401);
});

test('import: stage then glance-direct, and copy-image semantics', async (t) => {
  const cloud = await startCloud(t);
  const alice = await createMember(cloud, 'import-alice');
  const id = await createImage(cloud, alice.token);

  const early = await cloud.call('POST', `/image/v2/images/${id}/import`, {
    token: alice.token,
    body: { method: { name: 'glance-direct' } },
  });
  assert.equal(early.status, 409, 'nothing staged yet');

  const data = randomBytes(2 * 1024 * 1024 + 3);
  const staged = await putData(cloud, alice.token, `${id}/stage`, data);
  assert.equal(staged.status, 204, staged.text);
  const uploading = await showImage(cloud, alice.token, id);
  assert.equal(uploading.status, 'uploading');
  assert.deepEqual(await dataFiles(cloud), [`image-staging/${id}`]);
  assert.equal((await putData(cloud, alice.token, `${id}/stage`, data)).status, 409, 'staged once');

  const bad = await cloud.call('POST', `/image/v2/images/${id}/import`, {
    token: alice.token,
    body: { method: { name: 'web-download', uri: 'http://example.com/x' } },
  });
  assert.equal(bad.status, 400);

  const imp = await cloud.call('POST', `/image/v2/images/${id}/import`, {
    token: alice.token,
    body: { method: { name: 'glance-direct' }, all_stores: true },
  });
  assert.equal(imp.status, 202, JSON.stringify(imp.body));
  const active = await waitForStatus(cloud, alice.token, id, 'active');
  assert.equal(active.size, data.length);
  assert.equal(active.checksum, md5(data));
  assert.equal(active.os_hash_value, sha512(data));
  assert.ok(Buffer.from(await (await getFile(cloud, alice.token, id)).arrayBuffer()).equals(data));
  assert.deepEqual(await dataFiles(cloud), [`images/${id}`], 'the staged copy is gone');
  assert.equal(active.os_glance_importing_to_stores, '');
  assert.equal(active.os_glance_failed_import, '');

  // The import left a task, shown with the image (API 2.12) and, to admins, in /v2/tasks.
  const tasks = await cloud.call('GET', `/image/v2/images/${id}/tasks`, { token: alice.token });
  assert.equal(tasks.status, 200);
  assert.equal(tasks.body.tasks.length, 1);
  const [task] = tasks.body.tasks;
  assert.equal(task.status, 'success');
  assert.equal(task.type, 'api_image_import');
  assert.equal(task.request_id, imp.headers.get('x-openstack-request-id'));
  assert.equal(task.user_id, alice.userId);
  assert.equal(task.input.import_req.method.name, 'glance-direct');
  assert.match(task.expires_at, /Z$/);
  assert.equal((await cloud.call('GET', `/image/v2/tasks/${task.id}`, { token: alice.token })).status, 403);
  const asAdmin = await cloud.call('GET', `/image/v2/tasks/${task.id}`, { token: cloud.adminToken });
  assert.equal(asAdmin.status, 200);
  assert.equal(asAdmin.body.self, `/v2/tasks/${task.id}`);
  const listed = await cloud.call('GET', '/image/v2/tasks?status=success', { token: cloud.adminToken });
  assert.deepEqual(
    listed.body.tasks.map((x: { id: string }) => x.id),
    [task.id],
  );
  assert.equal(listed.body.tasks[0].input, undefined, 'the list leaves the input out');
  assert.equal((await cloud.call('GET', '/image/v2/tasks/nope', { token: cloud.adminToken })).status, 404);

  const again = await cloud.call('POST', `/image/v2/images/${id}/import`, {
    token: alice.token,
    body: { method: { name: 'glance-direct' } },
  });
  assert.equal(again.status, 409);

  const copyAsMember = await cloud.call('POST', `/image/v2/images/${id}/import`, {
    token: alice.token,
    body: { method: { name: 'copy-image' }, all_stores: true },
  });
  assert.equal(copyAsMember.status, 403, 'copy_image is admin-only');
  const copy = await cloud.call('POST', `/image/v2/images/${id}/import`, {
    token: cloud.adminToken,
    body: { method: { name: 'copy-image' }, all_stores: true },
  });
  assert.equal(copy.status, 202, 'already in every store: nothing to do');
  const named = await cloud.call('POST', `/image/v2/images/${id}/import`, {
    token: cloud.adminToken,
    body: { method: { name: 'copy-image' }, stores: ['file'] },
  });
  assert.equal(named.status, 400, 'already present in the named store');
  const unknown = await cloud.call('POST', `/image/v2/images/${id}/import`, {
    token: cloud.adminToken,
    body: { method: { name: 'copy-image' }, stores: ['swift'] },
  });
  assert.equal(unknown.status, 409);
  assert.equal((await showImage(cloud, alice.token, id)).status, 'active');
});

test('deleting an image with staged data removes the staged file too', async (t) => {
  const cloud = await startCloud(t);
  const bob = await createMember(cloud, 'import-bob');
  const id = await createImage(cloud, bob.token);
  assert.equal((await putData(cloud, bob.token, `${id}/stage`, randomBytes(4096))).status, 204);
  assert.deepEqual(await dataFiles(cloud), [`image-staging/${id}`]);
  assert.equal((await cloud.call('DELETE', `/image/v2/images/${id}`, { token: bob.token })).status, 204);
  assert.deepEqual(await dataFiles(cloud), []);
});
