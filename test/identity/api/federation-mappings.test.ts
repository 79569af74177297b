import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';

const BASE = '/identity/v3/OS-FEDERATION/mappings';
// The keystone_tempest_plugin fixture.
const rules = [
  {
    local: [{ user: { name: '{0}' } }, { group_ids: '{1}' }],
    remote: [{ type: 'openstack_username' }, { type: 'group_ids', whitelist: ['abc', '123'] }],
  },
];

test('mappings: create, show, list, update, delete', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const created = await cloud.call('PUT', `${BASE}/m1`, { token, body: { mapping: { rules } } });
  assert.equal(created.status, 201);
  assert.deepEqual(created.body.mapping, {
    id: 'm1',
    rules,
    links: { self: `${cloud.authUrl}/OS-FEDERATION/mappings/m1` },
  });
  assert.equal((await cloud.call('PUT', `${BASE}/m1`, { token, body: { mapping: { rules } } })).status, 409);
  assert.deepEqual((await cloud.call('GET', `${BASE}/m1`, { token })).body.mapping, created.body.mapping);
  assert.equal((await cloud.call('HEAD', `${BASE}/m1`, { token })).status, 200);
  assert.equal(
    (await cloud.call('PUT', `${BASE}/m2`, { token, body: { mapping: { rules, schema_version: '1.0' } } })).status,
    201,
  );
  assert.deepEqual(
    (await cloud.call('GET', BASE, { token })).body.mappings.map((m: { id: string }) => m.id),
    ['m1', 'm2'],
  );

  const next = [{ ...rules[0], local: [{ group: { id: 'g1' } }] }];
  const upd = await cloud.call('PATCH', `${BASE}/m1`, { token, body: { mapping: { rules: next } } });
  assert.equal(upd.status, 200);
  assert.deepEqual(upd.body.mapping.rules, next);
  assert.deepEqual((await cloud.call('GET', `${BASE}/m1`, { token })).body.mapping.rules, next);
  assert.equal((await cloud.call('PATCH', `${BASE}/nope`, { token, body: { mapping: { rules } } })).status, 404);

  assert.equal((await cloud.call('DELETE', `${BASE}/m1`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${BASE}/m1`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${BASE}/m1`, { token })).status, 404);
});

test('mappings: rules that break the schema are 400; no admin role is 403', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const remote = [{ type: 'x' }];
  const bad = [
    {},
    { rules: [] },
    { rules: [{ local: [] }] },
    { rules: [{ local: [], remote: [] }] },
    { rules: [{ local: [{ colour: 'red' }], remote }] },
    { rules: [{ local: [{ user: { type: 'robot' } }], remote }] },
    { rules: [{ local: [{ group: { name: 'g' } }], remote }] },
    { rules: [{ local: [{ group: { id: 'g', name: 'g' } }], remote }] },
    { rules: [{ local: [{ projects: [{ name: 'p' }] }], remote }] },
    { rules: [{ local: [], remote: [{ type: 'x', any_one_of: ['a'], not_any_of: ['b'] }] }] },
    { rules: [{ local: [], remote: [{ any_one_of: ['a'] }] }] },
    { rules: [{ local: [], remote, extra: 1 }] },
  ];
  for (const mapping of bad) {
    const res = await cloud.call('PUT', `${BASE}/x`, { token, body: { mapping } });
    assert.equal(res.status, 400, JSON.stringify(mapping));
  }
  const good = [
    { rules: [{ local: [{ group: { name: 'g', domain: { id: 'default' } } }], remote }] },
    { rules: [{ local: [{ projects: [{ name: 'p', roles: [{ name: 'member' }] }] }], remote }] },
    {
      rules: [
        {
          local: [{ user: { name: 'u', type: 'local', domain: { name: 'Default' } } }],
          remote: [{ type: 'x', any_one_of: ['a'], regex: true }],
        },
      ],
    },
  ];
  for (const [i, mapping] of good.entries()) {
    const res = await cloud.call('PUT', `${BASE}/ok${i}`, { token, body: { mapping } });
    assert.equal(res.status, 201, JSON.stringify(mapping));
  }
  const unscoped = (await cloud.login('admin', cloud.adminPassword)).token;
  assert.equal((await cloud.call('GET', BASE, { token: unscoped })).status, 403);
  assert.equal((await cloud.call('PUT', `${BASE}/y`, { token: unscoped, body: { mapping: { rules } } })).status, 403);
});
