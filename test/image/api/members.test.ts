import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember } from '../../identity/member-fixture.ts';

async function createImage(cloud: TestCloud, token: string, visibility = 'shared'): Promise<string> {
  const res = await cloud.call('POST', '/image/v2/images', {
    token,
    body: { name: 'shared-one', disk_format: 'raw', container_format: 'bare', visibility },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

const members = (id: string) => `/image/v2/images/${id}/members`;

test('members: owner shares, consumer accepts and rejects, owner removes', async (t) => {
  const cloud = await startCloud(t);
  const owner = await createMember(cloud, 'img-owner');
  const consumer = await createMember(cloud, 'img-consumer');
  const image = await createImage(cloud, owner.token);

  const add = await cloud.call('POST', members(image), { token: owner.token, body: { member: consumer.projectId } });
  assert.equal(add.status, 200, JSON.stringify(add.body));
  assert.deepEqual(Object.keys(add.body).sort(), [
    'created_at',
    'image_id',
    'member_id',
    'schema',
    'status',
    'updated_at',
  ]);
  assert.equal(add.body.image_id, image);
  assert.equal(add.body.member_id, consumer.projectId);
  assert.equal(add.body.status, 'pending');
  assert.equal(add.body.schema, '/v2/schemas/member');
  assert.match(add.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const dup = await cloud.call('POST', members(image), { token: owner.token, body: { member: consumer.projectId } });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.title, 'Conflict');

  // Tempest's test_image_share_owner_cannot_accept.
  const ownerAccepts = await cloud.call('PUT', `${members(image)}/${consumer.projectId}`, {
    token: owner.token,
    body: { status: 'accepted' },
  });
  assert.equal(ownerAccepts.status, 403);

  const accept = await cloud.call('PUT', `${members(image)}/${consumer.projectId}`, {
    token: consumer.token,
    body: { status: 'accepted' },
  });
  assert.equal(accept.status, 200, JSON.stringify(accept.body));
  assert.equal(accept.body.status, 'accepted');

  const list = await cloud.call('GET', members(image), { token: owner.token });
  assert.equal(list.status, 200);
  assert.equal(list.body.schema, '/v2/schemas/members');
  assert.deepEqual(
    list.body.members.map((m: { member_id: string; status: string }) => [m.member_id, m.status]),
    [[consumer.projectId, 'accepted']],
  );

  const show = await cloud.call('GET', `${members(image)}/${consumer.projectId}`, { token: consumer.token });
  assert.equal(show.status, 200);
  assert.equal(show.body.status, 'accepted');

  const reject = await cloud.call('PUT', `${members(image)}/${consumer.projectId}`, {
    token: consumer.token,
    body: { status: 'rejected' },
  });
  assert.equal(reject.body.status, 'rejected');

  const consumerDeletes = await cloud.call('DELETE', `${members(image)}/${consumer.projectId}`, {
    token: consumer.token,
  });
  assert.equal(consumerDeletes.status, 403);
  const del = await cloud.call('DELETE', `${members(image)}/${consumer.projectId}`, { token: owner.token });
  assert.equal(del.status, 204);
  assert.equal((await cloud.call('GET', members(image), { token: owner.token })).body.members.length, 0);
  // No longer a member, the consumer can no longer see the image at all.
  assert.equal((await cloud.call('GET', members(image), { token: consumer.token })).status, 404);
});

test('members: a member sees only itself; strangers and other members read 404', async (t) => {
  const cloud = await startCloud(t);
  const owner = await createMember(cloud, 'vis-owner');
  const a = await createMember(cloud, 'vis-a');
  const b = await createMember(cloud, 'vis-b');
  const stranger = await createMember(cloud, 'vis-stranger');
  const image = await createImage(cloud, owner.token);
  for (const m of [a, b]) {
    const res = await cloud.call('POST', members(image), { token: owner.token, body: { member: m.projectId } });
    assert.equal(res.status, 200);
  }

  const ownerList = await cloud.call('GET', members(image), { token: owner.token });
  assert.equal(ownerList.body.members.length, 2);
  const adminList = await cloud.call('GET', members(image), { token: cloud.adminToken });
  assert.equal(adminList.body.members.length, 2);
  const aList = await cloud.call('GET', members(image), { token: a.token });
  assert.deepEqual(
    aList.body.members.map((m: { member_id: string }) => m.member_id),
    [a.projectId],
  );

  const cases = [
    { name: 'member shows another member', token: a.token, method: 'GET', path: `/${b.projectId}`, status: 404 },
    {
      name: 'member changes another member',
      token: a.token,
      method: 'PUT',
      path: `/${b.projectId}`,
      body: { status: 'accepted' },
      status: 404,
    },
    {
      name: 'member adds a member',
      token: a.token,
      method: 'POST',
      path: '',
      body: { member: stranger.projectId },
      status: 403,
    },
    { name: 'stranger lists', token: stranger.token, method: 'GET', path: '', status: 404 },
    { name: 'stranger shows', token: stranger.token, method: 'GET', path: `/${a.projectId}`, status: 404 },
    {
      name: 'owner shows a non-member',
      token: owner.token,
      method: 'GET',
      path: `/${stranger.projectId}`,
      status: 404,
    },
    { name: 'owner deletes a non-member', token: owner.token, method: 'DELETE', path: '/nobody', status: 404 },
    { name: 'no token', token: undefined, method: 'GET', path: '', status: 401 },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const res = await cloud.call(c.method, `${members(image)}${c.path}`, { token: c.token, body: c.body });
      assert.equal(res.status, c.status, JSON.stringify(res.body));
      assert.equal(typeof res.body.message, 'string');
    });
  }
  const missing = await cloud.call('GET', members('00000000-0000-0000-0000-000000000000'), { token: owner.token });
  assert.equal(missing.status, 404);
});

test('members: only shared images have members; bad bodies are 400', async (t) => {
  const cloud = await startCloud(t);
  const owner = await createMember(cloud, 'priv-owner');
  const consumer = await createMember(cloud, 'priv-consumer');
  const priv = await createImage(cloud, owner.token, 'private');
  const add = await cloud.call('POST', members(priv), { token: owner.token, body: { member: consumer.projectId } });
  assert.equal(add.status, 403);
  assert.equal(add.body.title, 'Forbidden');
  assert.equal((await cloud.call('GET', members(priv), { token: owner.token })).status, 403);

  const image = await createImage(cloud, owner.token);
  const bad = [
    { name: 'no member', method: 'POST', path: '', body: {} },
    { name: 'empty member', method: 'POST', path: '', body: { member: '' } },
    { name: 'member not a string', method: 'POST', path: '', body: { member: 5 } },
    { name: 'not JSON', method: 'POST', path: '', raw: '{"member":' },
    { name: 'unknown status', method: 'PUT', path: `/${consumer.projectId}`, body: { status: 'notavalidstatus' } },
    { name: 'no status', method: 'PUT', path: `/${consumer.projectId}`, body: {} },
  ];
  await cloud.call('POST', members(image), { token: owner.token, body: { member: consumer.projectId } });
  for (const c of bad) {
    await t.test(c.name, async () => {
      const token = c.method === 'PUT' ? consumer.token : owner.token;
      const res = await cloud.call(c.method, `${members(image)}${c.path}`, { token, body: c.body, raw: c.raw });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.code, '400 Bad Request');
    });
  }
});
