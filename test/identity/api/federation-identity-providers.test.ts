import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';

const BASE = '/identity/v3/OS-FEDERATION/identity_providers';

test('identity providers: disabled by default, own domain, remote ids; show, list, update, delete', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const created = await cloud.call('PUT', `${BASE}/acme`, { token, body: { identity_provider: { description: 'd' } } });
  assert.equal(created.status, 201);
  const idp = created.body.identity_provider;
  assert.equal(idp.id, 'acme');
  assert.equal(idp.enabled, false);
  assert.deepEqual(idp.remote_ids, []);
  assert.equal(idp.description, 'd');
  assert.equal(idp.authorization_ttl, null);
  assert.match(idp.domain_id, /^[0-9a-f]{32}$/);
  assert.deepEqual(idp.links, {
    self: `${cloud.authUrl}/OS-FEDERATION/identity_providers/acme`,
    protocols: `${cloud.authUrl}/OS-FEDERATION/identity_providers/acme/protocols`,
  });
  const domain = await cloud.call('GET', `/identity/v3/domains/${idp.domain_id}`, { token });
  if (domain.status !== 404) {
    // The domains API may be elsewhere in progress; when present, the auto-created domain is a real one.
    assert.equal(domain.status, 200);
    assert.equal(domain.body.domain.description, 'Auto generated federated domain for Identity Provider: acme');
  }

  const second = await cloud.call('PUT', `${BASE}/beta`, {
    token,
    body: {
      identity_provider: { enabled: true, domain_id: 'default', remote_ids: ['r2', 'r1'], authorization_ttl: 5 },
    },
  });
  assert.equal(second.status, 201);
  assert.equal(second.body.identity_provider.domain_id, 'default');
  assert.deepEqual([...second.body.identity_provider.remote_ids].sort(), ['r1', 'r2']);
  assert.equal(second.body.identity_provider.authorization_ttl, 5);

  const shown = await cloud.call('GET', `${BASE}/beta`, { token });
  assert.deepEqual(shown.body.identity_provider, second.body.identity_provider);
  assert.equal((await cloud.call('HEAD', `${BASE}/beta`, { token })).status, 200);

  const list = await cloud.call('GET', BASE, { token });
  assert.deepEqual(
    list.body.identity_providers.map((i: { id: string }) => i.id),
    ['acme', 'beta'],
  );
  const enabled = await cloud.call('GET', `${BASE}?enabled=true`, { token });
  assert.deepEqual(
    enabled.body.identity_providers.map((i: { id: string }) => i.id),
    ['beta'],
  );

  const dupRemote = await cloud.call('PUT', `${BASE}/gamma`, {
    token,
    body: { identity_provider: { remote_ids: ['r1'] } },
  });
  assert.equal(dupRemote.status, 409);
  assert.equal((await cloud.call('GET', `${BASE}/gamma`, { token })).status, 404, 'nothing half-written');
  assert.equal((await cloud.call('PUT', `${BASE}/acme`, { token, body: { identity_provider: {} } })).status, 409);

  const upd = await cloud.call('PATCH', `${BASE}/beta`, {
    token,
    body: { identity_provider: { enabled: false, remote_ids: ['r3'] } },
  });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.identity_provider.enabled, false);
  assert.deepEqual(upd.body.identity_provider.remote_ids, ['r3']);
  assert.equal((await cloud.call('GET', `${BASE}/beta`, { token })).body.identity_provider.enabled, false);
  // r1 was released by the update.
  assert.equal(
    (await cloud.call('PUT', `${BASE}/gamma`, { token, body: { identity_provider: { remote_ids: ['r1'] } } })).status,
    201,
  );

  assert.equal((await cloud.call('DELETE', `${BASE}/beta`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${BASE}/beta`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${BASE}/beta`, { token })).status, 404);
});

test('identity providers: bad input is 400, unknown domain 404, no admin role is 403', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const bad = [
    { identity_provider: { enabled: 'yes' } },
    { identity_provider: { remote_ids: ['a', 'a'] } },
    { identity_provider: { authorization_ttl: -1 } },
    { identity_provider: { colour: 'red' } },
    { identity_provider: { domain_id: 'bad id' } },
    {},
  ];
  for (const body of bad)
    assert.equal((await cloud.call('PUT', `${BASE}/x`, { token, body })).status, 400, JSON.stringify(body));
  assert.equal(
    (await cloud.call('PUT', `${BASE}/x`, { token, body: { identity_provider: { domain_id: 'nope' } } })).status,
    404,
  );
  assert.equal((await cloud.call('PUT', `${BASE}/x`, { token, body: { identity_provider: {} } })).status, 201);
  for (const body of [{ identity_provider: {} }, { identity_provider: { domain_id: 'default' } }])
    assert.equal((await cloud.call('PATCH', `${BASE}/x`, { token, body })).status, 400);
  assert.equal(
    (await cloud.call('PATCH', `${BASE}/nope`, { token, body: { identity_provider: { enabled: true } } })).status,
    404,
  );

  const unscoped = (await cloud.login('admin', cloud.adminPassword)).token;
  assert.equal((await cloud.call('GET', BASE, { token: unscoped })).status, 403);
  assert.equal(
    (await cloud.call('PUT', `${BASE}/y`, { token: unscoped, body: { identity_provider: {} } })).status,
    403,
  );
  assert.equal((await cloud.call('DELETE', `${BASE}/x`, { token: unscoped })).status, 403);
});
