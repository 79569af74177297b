import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';

test('regions: create with and without an id, nest, update, list by parent, delete a subtree', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const r1 = await cloud.call('POST', '/identity/v3/regions', {
    token,
    body: { region: { description: 'first', colour: 'blue' } },
  });
  assert.equal(r1.status, 201);
  assert.equal(r1.body.region.description, 'first');
  assert.equal(r1.body.region.colour, 'blue', 'free-form attributes are kept');
  assert.match(r1.body.region.links.self, /\/identity\/v3\/regions\/[0-9a-f]{32}$/);

  const child = await cloud.call('PUT', '/identity/v3/regions/child-1', {
    token,
    body: { region: { parent_region_id: r1.body.region.id } },
  });
  assert.equal(child.status, 201);
  assert.equal(child.body.region.id, 'child-1');

  const dup = await cloud.call('PUT', '/identity/v3/regions/child-1', { token, body: { region: {} } });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.code, 409);

  const cycle = await cloud.call('PATCH', `/identity/v3/regions/${r1.body.region.id}`, {
    token,
    body: { region: { parent_region_id: 'child-1' } },
  });
  assert.equal(cycle.status, 400);

  const list = await cloud.call('GET', `/identity/v3/regions?parent_region_id=${r1.body.region.id}`, { token });
  assert.deepEqual(
    list.body.regions.map((r: { id: string }) => r.id),
    ['child-1'],
  );

  const upd = await cloud.call('PATCH', '/identity/v3/regions/child-1', {
    token,
    body: { region: { description: 'second' } },
  });
  assert.equal(upd.body.region.description, 'second');
  assert.equal(upd.body.region.parent_region_id, r1.body.region.id);

  assert.equal((await cloud.call('DELETE', `/identity/v3/regions/${r1.body.region.id}`, { token })).status, 204);
  const gone = await cloud.call('GET', '/identity/v3/regions/child-1', { token });
  assert.equal(gone.status, 404);
  assert.deepEqual(Object.keys(gone.body.error).sort(), ['code', 'message', 'title']);
});

test('regions: missing parent is 404, no token is 401, bad body is 400', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  assert.equal(
    (await cloud.call('POST', '/identity/v3/regions', { token, body: { region: { parent_region_id: 'nope' } } }))
      .status,
    404,
  );
  assert.equal((await cloud.call('GET', '/identity/v3/regions')).status, 401);
  assert.equal(
    (await cloud.call('POST', '/identity/v3/regions', { token, body: { region: { description: 5 } } })).status,
    400,
  );
  assert.equal((await cloud.call('POST', '/identity/v3/regions', { token, raw: '{"region":' })).status, 400);
});
