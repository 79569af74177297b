import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';

const S = '/identity/v3/services';

test('services: create, show, update, filter by type and name, delete with endpoints', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;

  const created = await cloud.call('POST', S, {
    token,
    body: { service: { type: 'compute-x', name: 'nova-x', description: 'first', id: 'ignored', colour: 'red' } },
  });
  assert.equal(created.status, 201);
  const svc = created.body.service;
  assert.match(svc.id, /^[0-9a-f]{32}$/, 'a client-sent id is ignored');
  assert.deepEqual(
    { type: svc.type, name: svc.name, description: svc.description, enabled: svc.enabled, colour: svc.colour },
    { type: 'compute-x', name: 'nova-x', description: 'first', enabled: true, colour: 'red' },
  );
  assert.match(svc.links.self, new RegExp(`/identity/v3/services/${svc.id}$`));

  const bare = await cloud.call('POST', S, { token, body: { service: { type: 'volume-x', enabled: false } } });
  assert.equal(bare.status, 201);
  assert.equal(bare.body.service.name, '', 'Keystone answers an empty name');
  assert.equal(bare.body.service.enabled, false);
  assert.equal(bare.body.service.description, undefined);

  const upd = await cloud.call('PATCH', `${S}/${svc.id}`, {
    token,
    body: { service: { description: 'second', enabled: false } },
  });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.service.description, 'second');
  assert.equal(upd.body.service.name, 'nova-x');
  assert.equal(upd.body.service.colour, 'red');
  assert.equal(upd.body.service.enabled, false);
  const shown = await cloud.call('GET', `${S}/${svc.id}`, { token });
  assert.deepEqual(shown.body.service, upd.body.service);

  const all = await cloud.call('GET', S, { token });
  assert.equal(all.status, 200);
  assert.ok(
    all.body.services.some((s: { type: string }) => s.type === 'identity'),
    'bootstrap services are listed',
  );
  assert.deepEqual(all.body.links.previous, null);
  const byType = await cloud.call('GET', `${S}?type=compute-x`, { token });
  assert.deepEqual(
    byType.body.services.map((s: { id: string }) => s.id),
    [svc.id],
  );
  const byName = await cloud.call('GET', `${S}?name=nova-x`, { token });
  assert.deepEqual(
    byName.body.services.map((s: { id: string }) => s.id),
    [svc.id],
  );

  const ep = await cloud.call('POST', '/identity/v3/endpoints', {
    token,
    body: { endpoint: { service_id: svc.id, interface: 'public', url: 'http://x.example/' } },
  });
  assert.equal(ep.status, 201);
  assert.equal((await cloud.call('DELETE', `${S}/${svc.id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${S}/${svc.id}`, { token })).status, 404);
  const epGone = await cloud.call('GET', `/identity/v3/endpoints/${ep.body.endpoint.id}`, { token });
  assert.equal(epGone.status, 404, 'deleting a service deletes its endpoints');
  assert.equal((await cloud.call('DELETE', `${S}/${svc.id}`, { token })).status, 404);
});

test('services: bad input is 400, a plain user is refused', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const bad = [
    { service: {} },
    { service: { type: '' } },
    { service: { type: 'x', enabled: 'True' } },
    { service: { type: 'x', name: '' } },
    { service: { type: 5 } },
    {},
  ];
  for (const body of bad) {
    const res = await cloud.call('POST', S, { token, body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.error.code, 400);
  }
  const svc = (await cloud.call('POST', S, { token, body: { service: { type: 'x' } } })).body.service;
  assert.equal((await cloud.call('PATCH', `${S}/${svc.id}`, { token, body: { service: {} } })).status, 400);
  assert.equal(
    (await cloud.call('PATCH', `${S}/${svc.id}`, { token, body: { service: { id: 'other' } } })).status,
    400,
    'the id cannot change',
  );
  assert.equal((await cloud.call('PATCH', `${S}/nope`, { token, body: { service: { type: 'y' } } })).status, 404);

  const user = await cloud.call('POST', '/identity/v3/users', {
    token,
    body: { user: { name: 'plain', password: 'plain-pw' } },
  });
  assert.equal(user.status, 201);
  const plain = (await cloud.login('plain', 'plain-pw')).token;
  assert.equal((await cloud.call('GET', S, { token: plain })).status, 403);
  assert.equal((await cloud.call('GET', `${S}/${svc.id}`, { token: plain })).status, 403);
  assert.equal((await cloud.call('POST', S, { token: plain, body: { service: { type: 'z' } } })).status, 403);
  assert.equal((await cloud.call('DELETE', `${S}/${svc.id}`, { token: plain })).status, 403);
  assert.equal((await cloud.call('GET', S)).status, 401);
});
