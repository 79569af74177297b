import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember } from '../../identity/member-fixture.ts';

const NS = '/image/v2/metadefs/namespaces';

async function createNamespace(cloud: TestCloud, body: Record<string, unknown>) {
  const res = await cloud.call('POST', NS, { token: cloud.adminToken, body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

test('metadefs: namespace lifecycle as Tempest drives it', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const types = await cloud.call('GET', '/image/v2/metadefs/resource_types', { token });
  assert.equal(types.status, 200);
  const rt = types.body.resource_types[0].name;
  assert.ok(types.body.resource_types.some((r: { name: string }) => r.name === 'OS::Glance::Image'));

  const created = await createNamespace(cloud, {
    namespace: 'tempest-ns',
    visibility: 'public',
    description: 'Tempest',
    display_name: 'tempest-ns',
    resource_type_associations: [{ name: rt }],
    protected: true,
  });
  assert.equal(created.self, '/v2/metadefs/namespaces/tempest-ns');
  assert.equal(created.schema, '/v2/schemas/metadefs/namespace');
  assert.equal(created.protected, true);

  const list = await cloud.call('GET', NS, { token });
  assert.equal(list.status, 200);
  assert.ok(list.body.namespaces.some((n: { namespace: string }) => n.namespace === 'tempest-ns'));
  assert.equal(list.body.schema, '/v2/schemas/metadefs/namespaces');
  assert.equal(list.body.first, '/v2/metadefs/namespaces');

  const show = await cloud.call('GET', `${NS}/tempest-ns`, { token });
  assert.equal(show.body.visibility, 'public');
  assert.deepEqual(
    show.body.resource_type_associations.map((a: { name: string }) => a.name),
    [rt],
  );

  const refused = await cloud.call('DELETE', `${NS}/tempest-ns`, { token });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.title, 'Forbidden');

  const upd = await cloud.call('PUT', `${NS}/tempest-ns`, {
    token,
    body: { namespace: 'tempest-ns', description: 'Tempest', visibility: 'private', protected: false },
  });
  assert.equal(upd.status, 200, JSON.stringify(upd.body));
  assert.equal(upd.body.visibility, 'private');
  assert.equal(upd.body.protected, false);

  assert.equal((await cloud.call('DELETE', `${NS}/tempest-ns`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${NS}/tempest-ns`, { token })).status, 404);
});

test('metadefs: objects, properties and tags', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  await createNamespace(cloud, { namespace: 'ns1', visibility: 'public' });

  const obj = await cloud.call('POST', `${NS}/ns1/objects`, { token, body: { name: 'o1' } });
  assert.equal(obj.status, 201, JSON.stringify(obj.body));
  assert.equal(obj.body.self, '/v2/metadefs/namespaces/ns1/objects/o1');
  assert.equal((await cloud.call('POST', `${NS}/ns1/objects`, { token, body: { name: 'o1' } })).status, 409);
  const renamed = await cloud.call('PUT', `${NS}/ns1/objects/o1`, { token, body: { name: 'o2' } });
  assert.equal(renamed.body.name, 'o2');
  assert.equal((await cloud.call('GET', `${NS}/ns1/objects/o2`, { token })).body.name, 'o2');
  assert.equal((await cloud.call('DELETE', `${NS}/ns1/objects/o2`, { token })).status, 204);
  assert.deepEqual((await cloud.call('GET', `${NS}/ns1/objects`, { token })).body.objects, []);

  const rt = 'OS::Glance::Image';
  const assoc = await cloud.call('POST', `${NS}/ns1/resource_types`, { token, body: { name: rt, prefix: 'hw_' } });
  assert.equal(assoc.status, 201, JSON.stringify(assoc.body));
  const enumValues = ['xen', 'qemu', 'kvm'];
  const prop = await cloud.call('POST', `${NS}/ns1/properties`, {
    token,
    body: { name: rt, title: 'p', type: 'string', enum: enumValues },
  });
  assert.equal(prop.status, 201, JSON.stringify(prop.body));
  assert.deepEqual(prop.body, { name: rt, title: 'p', type: 'string', enum: enumValues });
  assert.equal((await cloud.call('GET', `${NS}/ns1/properties/${rt}`, { token })).body.name, rt);
  const prefixed = await cloud.call('GET', `${NS}/ns1?resource_type=${rt}`, { token });
  assert.deepEqual(Object.keys(prefixed.body.properties), [`hw_${rt}`]);
  const updProp = await cloud.call('PUT', `${NS}/ns1/properties/${rt}`, {
    token,
    body: { name: rt, title: 'p2', type: 'string', enum: enumValues },
  });
  assert.equal(updProp.body.title, 'p2');
  const props = await cloud.call('GET', `${NS}/ns1/properties`, { token });
  assert.deepEqual(props.body, { properties: { [rt]: { title: 'p2', type: 'string', enum: enumValues } } });
  assert.equal((await cloud.call('DELETE', `${NS}/ns1/properties/${rt}`, { token })).status, 204);

  const tags = [{ name: 't1' }, { name: 't2' }, { name: 't3' }];
  const bulk = await cloud.call('POST', `${NS}/ns1/tags`, { token, body: { tags } });
  assert.equal(bulk.status, 201, JSON.stringify(bulk.body));
  assert.deepEqual(bulk.body, { tags });
  const one = await cloud.call('POST', `${NS}/ns1/tags/t4`, { token, headers: { 'content-type': 'application/json' } });
  assert.equal(one.status, 201, JSON.stringify(one.body));
  assert.equal((await cloud.call('GET', `${NS}/ns1/tags`, { token })).body.tags.length, 4);
  // Without X-Openstack-Append the set replaces the namespace's tags; with it, a clash is 409.
  await cloud.call('POST', `${NS}/ns1/tags`, { token, body: { tags: [{ name: 'a' }] } });
  assert.deepEqual((await cloud.call('GET', `${NS}/ns1/tags`, { token })).body.tags, [{ name: 'a' }]);
  const clash = await cloud.call('POST', `${NS}/ns1/tags`, {
    token,
    body: { tags: [{ name: 'a' }] },
    headers: { 'x-openstack-append': 'true' },
  });
  assert.equal(clash.status, 409);
  const renamedTag = await cloud.call('PUT', `${NS}/ns1/tags/a`, { token, body: { name: 'b' } });
  assert.equal(renamedTag.body.name, 'b');
  assert.equal((await cloud.call('DELETE', `${NS}/ns1/tags/b`, { token })).status, 204);
  assert.equal((await cloud.call('DELETE', `${NS}/ns1/tags`, { token })).status, 204);
  assert.equal((await cloud.call('DELETE', `${NS}/ns1/resource_types/${rt}`, { token })).status, 204);
  assert.equal((await cloud.call('DELETE', `${NS}/ns1/resource_types/${rt}`, { token })).status, 404);
});

test('metadefs: bad input, read-only attributes, duplicates', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  await createNamespace(cloud, { namespace: 'dup' });
  const cases: [string, string, unknown, number][] = [
    ['no namespace', NS, { display_name: 'x' }, 400],
    ['unknown key', NS, { namespace: 'x', colour: 'red' }, 400],
    ['bad visibility', NS, { namespace: 'x', visibility: 'shared' }, 400],
    ['read-only self', NS, { namespace: 'x', self: '/x' }, 403],
    ['duplicate', NS, { namespace: 'dup' }, 409],
    ['property without type', `${NS}/dup/properties`, { name: 'p', title: 'p' }, 400],
    ['bad property type', `${NS}/dup/properties`, { name: 'p', title: 'p', type: 'colour' }, 400],
    ['object name too long', `${NS}/dup/objects`, { name: 'o'.repeat(81) }, 400],
    ['tags not a list', `${NS}/dup/tags`, { tags: 'a' }, 400],
    ['missing namespace', `${NS}/nope/objects`, { name: 'o' }, 404],
  ];
  for (const [name, path, body, status] of cases) {
    await t.test(name, async () => {
      const res = await cloud.call('POST', path, { token, body });
      assert.equal(res.status, status, JSON.stringify(res.body));
    });
  }
  const badJson = await cloud.call('POST', NS, {
    token,
    raw: '{"namespace":',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(badJson.status, 400);
  assert.equal((await cloud.call('GET', `${NS}?sort_dir=up`, { token })).status, 400);
  assert.equal((await cloud.call('GET', `${NS}?limit=x`, { token })).status, 400);
  assert.equal((await cloud.call('GET', `${NS}?visibility=shared`, { token })).status, 400);
});

test('metadefs: members read public namespaces only and cannot write', async (t) => {
  const cloud = await startCloud(t);
  const member = await createMember(cloud, 'md-member');
  await createNamespace(cloud, { namespace: 'pub', visibility: 'public' });
  await createNamespace(cloud, { namespace: 'priv', visibility: 'private' });
  const list = await cloud.call('GET', NS, { token: member.token });
  const names = list.body.namespaces.map((n: { namespace: string }) => n.namespace);
  assert.ok(names.includes('pub'));
  assert.ok(!names.includes('priv'));
  assert.equal((await cloud.call('GET', `${NS}/priv`, { token: member.token })).status, 404);
  assert.equal((await cloud.call('GET', `${NS}/pub/objects`, { token: member.token })).status, 200);
  const create = await cloud.call('POST', NS, { token: member.token, body: { namespace: 'mine' } });
  assert.equal(create.status, 403);
  const obj = await cloud.call('POST', `${NS}/pub/objects`, { token: member.token, body: { name: 'o' } });
  assert.equal(obj.status, 403);
  const hidden = await cloud.call('POST', `${NS}/priv/objects`, { token: member.token, body: { name: 'o' } });
  assert.equal(hidden.status, 404);
});

test('metadefs: schemas carry the names Tempest checks', async (t) => {
  const cloud = await startCloud(t);
  const expected: Record<string, string> = {
    namespace: 'namespace',
    namespaces: 'namespaces',
    resource_type: 'resource_type_association',
    resource_types: 'resource_type_associations',
    object: 'object',
    objects: 'objects',
    property: 'property',
    properties: 'properties',
    tag: 'tag',
    tags: 'tags',
  };
  for (const [path, name] of Object.entries(expected)) {
    const res = await cloud.call('GET', `/image/v2/schemas/metadefs/${path}`, { token: cloud.adminToken });
    assert.equal(res.status, 200);
    assert.equal(res.body.name, name);
  }
});
