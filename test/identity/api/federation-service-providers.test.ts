import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';

const BASE = '/identity/v3/OS-FEDERATION/service_providers';
const ref = {
  auth_url: 'https://sp.example.com/identity/v3/auth',
  sp_url: 'https://sp.example.com/Shibboleth.sso/SAML2/ECP',
};

test('service providers: defaults, show, list, update, delete', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const created = await cloud.call('PUT', `${BASE}/sp1`, {
    token,
    body: { service_provider: { ...ref, description: 'd' } },
  });
  assert.equal(created.status, 201);
  assert.deepEqual(created.body.service_provider, {
    id: 'sp1',
    enabled: false,
    description: 'd',
    ...ref,
    relay_state_prefix: 'ss:mem:',
    links: { self: `${cloud.authUrl}/OS-FEDERATION/service_providers/sp1` },
  });
  assert.equal((await cloud.call('PUT', `${BASE}/sp1`, { token, body: { service_provider: ref } })).status, 409);
  const sp2 = await cloud.call('PUT', `${BASE}/sp2`, {
    token,
    body: { service_provider: { ...ref, enabled: true, relay_state_prefix: 'rs:' } },
  });
  assert.equal(sp2.body.service_provider.relay_state_prefix, 'rs:');
  assert.deepEqual(
    (await cloud.call('GET', `${BASE}/sp1`, { token })).body.service_provider,
    created.body.service_provider,
  );
  assert.equal((await cloud.call('HEAD', `${BASE}/sp1`, { token })).status, 200);
  assert.deepEqual(
    (await cloud.call('GET', BASE, { token })).body.service_providers.map((s: { id: string }) => s.id),
    ['sp1', 'sp2'],
  );
  assert.deepEqual(
    (await cloud.call('GET', `${BASE}?enabled=false`, { token })).body.service_providers.map(
      (s: { id: string }) => s.id,
    ),
    ['sp1'],
  );

  const upd = await cloud.call('PATCH', `${BASE}/sp2`, {
    token,
    body: { service_provider: { enabled: false, sp_url: 'https://x/y' } },
  });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.service_provider.enabled, false);
  assert.equal(upd.body.service_provider.sp_url, 'https://x/y');
  assert.equal(upd.body.service_provider.relay_state_prefix, 'rs:');

  assert.equal((await cloud.call('DELETE', `${BASE}/sp1`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${BASE}/sp1`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${BASE}/sp1`, { token })).status, 404);
});

test('service providers: missing or malformed URLs are 400, no admin role is 403', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const bad = [
    {},
    { service_provider: {} },
    { service_provider: { auth_url: ref.auth_url } },
    { service_provider: { ...ref, auth_url: '0123456789abcdef' } },
    { service_provider: { ...ref, sp_url: 'not a url' } },
    { service_provider: { ...ref, colour: 'red' } },
    { service_provider: { ...ref, enabled: 'yes' } },
  ];
  for (const body of bad)
    assert.equal((await cloud.call('PUT', `${BASE}/x`, { token, body })).status, 400, JSON.stringify(body));
  assert.equal((await cloud.call('PUT', `${BASE}/x`, { token, body: { service_provider: ref } })).status, 201);
  for (const body of [
    { service_provider: {} },
    { service_provider: { auth_url: 'abc' } },
    { service_provider: { id: 'y' } },
  ])
    assert.equal((await cloud.call('PATCH', `${BASE}/x`, { token, body })).status, 400, JSON.stringify(body));
  assert.equal(
    (await cloud.call('PATCH', `${BASE}/nope`, { token, body: { service_provider: { enabled: true } } })).status,
    404,
  );

  const unscoped = (await cloud.login('admin', cloud.adminPassword)).token;
  assert.equal((await cloud.call('GET', BASE, { token: unscoped })).status, 403);
  assert.equal(
    (await cloud.call('PUT', `${BASE}/y`, { token: unscoped, body: { service_provider: ref } })).status,
    403,
  );
});
