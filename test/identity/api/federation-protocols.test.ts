import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';

const IDPS = '/identity/v3/OS-FEDERATION/identity_providers';
const MAPPINGS = '/identity/v3/OS-FEDERATION/mappings';
const rules = [{ local: [{ user: { name: '{0}' } }], remote: [{ type: 'openstack_username' }] }];

test('protocols: add with a mapping, show, list, switch mapping, delete; unknown mapping is 400', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  assert.equal(
    (await cloud.call('PUT', `${IDPS}/acme`, { token, body: { identity_provider: { enabled: true } } })).status,
    201,
  );
  for (const id of ['m1', 'm2'])
    assert.equal((await cloud.call('PUT', `${MAPPINGS}/${id}`, { token, body: { mapping: { rules } } })).status, 201);

  const p = `${IDPS}/acme/protocols/saml2`;
  assert.equal((await cloud.call('PUT', p, { token, body: { protocol: { mapping_id: 'nope' } } })).status, 400);
  const created = await cloud.call('PUT', p, {
    token,
    body: { protocol: { mapping_id: 'm1', remote_id_attribute: 'x' } },
  });
  assert.equal(created.status, 201);
  assert.deepEqual(created.body.protocol, {
    id: 'saml2',
    mapping_id: 'm1',
    links: {
      self: `${cloud.authUrl}/OS-FEDERATION/identity_providers/acme/protocols/saml2`,
      identity_provider: `${cloud.authUrl}/OS-FEDERATION/identity_providers/acme`,
    },
  });
  assert.equal((await cloud.call('PUT', p, { token, body: { protocol: { mapping_id: 'm1' } } })).status, 409);
  assert.deepEqual((await cloud.call('GET', p, { token })).body.protocol, created.body.protocol);
  assert.equal((await cloud.call('HEAD', p, { token })).status, 200);
  assert.equal(
    (await cloud.call('PUT', `${IDPS}/acme/protocols/oidc`, { token, body: { protocol: { mapping_id: 'm2' } } }))
      .status,
    201,
  );

  const list = await cloud.call('GET', `${IDPS}/acme/protocols`, { token });
  assert.deepEqual(
    list.body.protocols.map((x: { id: string }) => x.id),
    ['oidc', 'saml2'],
  );

  assert.equal((await cloud.call('PATCH', p, { token, body: { protocol: { mapping_id: 'nope' } } })).status, 400);
  const upd = await cloud.call('PATCH', p, { token, body: { protocol: { mapping_id: 'm2' } } });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.protocol.mapping_id, 'm2');
  assert.equal((await cloud.call('PATCH', p, { token, body: { protocol: {} } })).status, 400);

  assert.equal((await cloud.call('DELETE', p, { token })).status, 204);
  assert.equal((await cloud.call('GET', p, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', p, { token })).status, 404);

  // Protocols go with their identity provider.
  assert.equal((await cloud.call('DELETE', `${IDPS}/acme`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${IDPS}/acme/protocols`, { token })).status, 404);
  assert.equal(
    (await cloud.call('PUT', `${IDPS}/acme/protocols/x`, { token, body: { protocol: { mapping_id: 'm1' } } })).status,
    404,
  );

  const unscoped = (await cloud.login('admin', cloud.adminPassword)).token;
  assert.equal((await cloud.call('GET', `${IDPS}/acme/protocols`, { token: unscoped })).status, 403);
});
