import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';

const BASE = '/identity/v3/policies';

test('policies: create, list by type, show, update (extras kept), head, delete', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const created = await cloud.call('POST', BASE, {
    token,
    body: { policy: { blob: '{"rule": "x"}', type: 'application/json', id: 'ignored', colour: 'red' } },
  });
  assert.equal(created.status, 201);
  const policy = created.body.policy;
  assert.match(policy.id, /^[0-9a-f]{32}$/, 'Keystone assigns the id');
  assert.equal(policy.blob, '{"rule": "x"}');
  assert.equal(policy.type, 'application/json');
  assert.equal(policy.colour, 'red');
  assert.equal(policy.links.self, `${cloud.authUrl}/policies/${policy.id}`);

  const other = await cloud.call('POST', BASE, { token, body: { policy: { blob: 'b', type: 'text/plain' } } });
  assert.equal(other.status, 201);

  const all = await cloud.call('GET', BASE, { token });
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.policies.map((p: { id: string }) => p.id).sort(), [policy.id, other.body.policy.id].sort());
  assert.equal(all.body.links.self, `${cloud.authUrl}/policies`);
  const byType = await cloud.call('GET', `${BASE}?type=text/plain`, { token });
  assert.deepEqual(
    byType.body.policies.map((p: { id: string }) => p.id),
    [other.body.policy.id],
  );

  const upd = await cloud.call('PATCH', `${BASE}/${policy.id}`, { token, body: { policy: { type: 'new-type' } } });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.policy.type, 'new-type');
  assert.equal(upd.body.policy.blob, policy.blob);
  assert.equal(upd.body.policy.colour, 'red');
  const shown = await cloud.call('GET', `${BASE}/${policy.id}`, { token });
  assert.deepEqual(shown.body.policy, upd.body.policy);
  assert.equal((await cloud.call('HEAD', `${BASE}/${policy.id}`, { token })).status, 200);

  assert.equal((await cloud.call('DELETE', `${BASE}/${policy.id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${BASE}/${policy.id}`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${BASE}/${policy.id}`, { token })).status, 404);
});

test('policies: bad input is 400, unknown is 404, no admin role is 403, no token is 401', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const bad = [
    { policy: { type: 't' } },
    { policy: { blob: 'b' } },
    { policy: { blob: 5, type: 't' } },
    { policy: { blob: 'b', type: 'x'.repeat(256) } },
    {},
  ];
  for (const body of bad) {
    const res = await cloud.call('POST', BASE, { token, body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.error.code, 400);
  }
  const p = (await cloud.call('POST', BASE, { token, body: { policy: { blob: 'b', type: 't' } } })).body.policy;
  assert.equal((await cloud.call('PATCH', `${BASE}/${p.id}`, { token, body: { policy: {} } })).status, 400);
  assert.equal((await cloud.call('PATCH', `${BASE}/nope`, { token, body: { policy: { type: 'x' } } })).status, 404);

  const unscoped = (await cloud.login('admin', cloud.adminPassword)).token;
  assert.equal((await cloud.call('GET', BASE, { token: unscoped })).status, 403);
  assert.equal(
    (await cloud.call('POST', BASE, { token: unscoped, body: { policy: { blob: 'b', type: 't' } } })).status,
    403,
  );
  assert.equal((await cloud.call('DELETE', `${BASE}/${p.id}`, { token: unscoped })).status, 403);
  assert.equal((await cloud.call('GET', BASE)).status, 401);
});
