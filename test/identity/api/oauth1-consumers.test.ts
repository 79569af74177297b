import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';

const BASE = '/identity/v3/OS-OAUTH1/consumers';

test('consumers: the secret is shown on create only; show, list, update, delete', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const created = await cloud.call('POST', BASE, { token, body: { consumer: { description: 'first', team: 'x' } } });
  assert.equal(created.status, 201);
  const c = created.body.consumer;
  assert.match(c.id, /^[0-9a-f]{32}$/);
  assert.match(c.secret, /^[0-9a-f]{32}$/);
  assert.equal(c.description, 'first');
  assert.equal(c.team, 'x');
  assert.equal(c.links.self, `${cloud.authUrl}/OS-OAUTH1/consumers/${c.id}`);

  const shown = await cloud.call('GET', `${BASE}/${c.id}`, { token });
  assert.equal(shown.status, 200);
  assert.equal(shown.body.consumer.secret, undefined);
  for (const key of ['id', 'description', 'links', 'team']) assert.deepEqual(shown.body.consumer[key], c[key]);
  assert.equal((await cloud.call('HEAD', `${BASE}/${c.id}`, { token })).status, 200);

  const bare = await cloud.call('POST', BASE, { token, body: {} });
  assert.equal(bare.status, 201);
  assert.equal(bare.body.consumer.description, null);

  const list = await cloud.call('GET', BASE, { token });
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.consumers.map((x: { id: string }) => x.id).sort(), [c.id, bare.body.consumer.id].sort());
  assert.ok(list.body.consumers.every((x: { secret?: string }) => x.secret === undefined));

  const upd = await cloud.call('PATCH', `${BASE}/${c.id}`, { token, body: { consumer: { description: 'second' } } });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.consumer.description, 'second');
  assert.equal(upd.body.consumer.secret, undefined);
  assert.equal((await cloud.call('GET', `${BASE}/${c.id}`, { token })).body.consumer.description, 'second');

  assert.equal((await cloud.call('DELETE', `${BASE}/${c.id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${BASE}/${c.id}`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${BASE}/${c.id}`, { token })).status, 404);
});

test('consumers: secret and id cannot be changed, bad input is 400, no admin role is 403', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const c = (await cloud.call('POST', BASE, { token, body: { consumer: { description: 'd' } } })).body.consumer;
  const cases = [
    { consumer: { secret: 'mine' } },
    { consumer: { id: 'other' } },
    { consumer: {} },
    { consumer: { description: 5 } },
    {},
  ];
  for (const body of cases) {
    const res = await cloud.call('PATCH', `${BASE}/${c.id}`, { token, body });
    assert.equal(res.status, 400, JSON.stringify(body));
  }
  assert.equal(
    (await cloud.call('PATCH', `${BASE}/${c.id}`, { token, body: { consumer: { id: c.id, description: 'e' } } }))
      .status,
    200,
    'the same id is allowed',
  );
  assert.equal((await cloud.call('POST', BASE, { token, body: { consumer: { description: 1 } } })).status, 400);
  assert.equal(
    (await cloud.call('PATCH', `${BASE}/nope`, { token, body: { consumer: { description: 'x' } } })).status,
    404,
  );

  const unscoped = (await cloud.login('admin', cloud.adminPassword)).token;
  assert.equal((await cloud.call('GET', BASE, { token: unscoped })).status, 403);
  assert.equal((await cloud.call('GET', `${BASE}/${c.id}`, { token: unscoped })).status, 403);
  assert.equal((await cloud.call('POST', BASE, { token: unscoped, body: { consumer: {} } })).status, 403);
  assert.equal((await cloud.call('DELETE', `${BASE}/${c.id}`, { token: unscoped })).status, 403);
});
