import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { createMember, type Member } from '../identity/member-fixture.ts';
import { novaCaller } from './compute-fixture.ts';

describe('flavors', () => {
  let cloud: TestCloud;
  let alice: Member;
  const nova = novaCaller(() => cloud);

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'flavor-alice');
  });
  after(() => cloud.close());

  it('seeds DevStack flavors, listed in flavorid order with 2.1 shapes', async () => {
    const res = await nova(alice.token, 'GET', '/flavors');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const ids = res.body.flavors.map((f: { id: string }) => f.id);
    assert.deepEqual(ids.slice(0, 7), ['1', '2', '3', '4', '42', '5', '84']);
    assert.deepEqual(Object.keys(res.body.flavors[0]).sort(), ['id', 'links', 'name']);
    assert.match(res.body.flavors[0].links[0].href, /\/compute\/v2\.1\/flavors\/1$/);
    const nano = await nova(alice.token, 'GET', '/flavors/42');
    assert.deepEqual(nano.body.flavor, {
      id: '42',
      name: 'm1.nano',
      ram: 128,
      disk: 1,
      vcpus: 1,
      swap: '',
      'OS-FLV-EXT-DATA:ephemeral': 0,
      'OS-FLV-DISABLED:disabled': false,
      'os-flavor-access:is_public': true,
      rxtx_factor: 1,
      links: nano.body.flavor.links,
    });
    const latest = await nova(alice.token, 'GET', '/flavors/42', undefined, '2.93');
    assert.equal(latest.body.flavor.swap, 0);
    assert.equal(latest.body.flavor.description, null);
    assert.deepEqual(latest.body.flavor.extra_specs, { 'hw_rng:allowed': 'True' });
    const summary = await nova(alice.token, 'GET', '/flavors', undefined, '2.55');
    assert.deepEqual(Object.keys(summary.body.flavors[0]).sort(), ['description', 'id', 'links', 'name']);
  });

  it('filters by minRam/minDisk and pages with limit and marker', async () => {
    const big = await nova(alice.token, 'GET', '/flavors/detail?minRam=4096&minDisk=40');
    assert.deepEqual(big.body.flavors.map((f: { name: string }) => f.name).sort(), [
      'm1.large',
      'm1.medium',
      'm1.xlarge',
    ]);
    const one = await nova(alice.token, 'GET', '/flavors?limit=1');
    assert.equal(one.body.flavors.length, 1);
    assert.match(one.body.flavors_links[0].href, /limit=1&marker=1$/);
    const next = await nova(alice.token, 'GET', '/flavors?marker=1');
    assert.equal(next.body.flavors[0].id, '2');
    const desc = await nova(alice.token, 'GET', '/flavors?sort_key=memory_mb&sort_dir=desc');
    assert.equal(desc.body.flavors[0].id, '5');
    for (const q of ['limit=-1', 'limit=x', 'marker=nope', 'minRam=abc', 'sort_key=bogus', 'sort_dir=up'])
      assert.equal((await nova(alice.token, 'GET', `/flavors?${q}`)).status, 400, q);
  });

  it('admins create, update (2.55) and delete flavors; names and ids are unique', async () => {
    const admin = cloud.adminToken;
    const made = await nova(admin, 'POST', '/flavors', {
      flavor: { name: 'f-int', ram: '1024', vcpus: 1, disk: 10, id: 9001, 'os-flavor-access:is_public': 'True' },
    });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.equal(made.body.flavor.id, '9001');
    assert.equal(made.body.flavor.ram, 1024);
    const auto = await nova(admin, 'POST', '/flavors', {
      flavor: { name: 'f-auto', ram: 64, vcpus: 1, disk: 0, id: null },
    });
    assert.match(auto.body.flavor.id, /^[0-9a-f-]{36}$/);
    const dupName = await nova(admin, 'POST', '/flavors', { flavor: { name: 'f-int', ram: 64, vcpus: 1, disk: 0 } });
    assert.equal(dupName.status, 409);
    assert.equal(dupName.body.conflictingRequest.message, 'Flavor with name f-int already exists.');
    const dupId = await nova(admin, 'POST', '/flavors', {
      flavor: { name: 'x', ram: 64, vcpus: 1, disk: 0, id: '9001' },
    });
    assert.equal(dupId.body.conflictingRequest.message, 'Flavor with ID 9001 already exists.');
    const described = await nova(
      admin,
      'POST',
      '/flavors',
      { flavor: { name: 'f-desc', ram: 64, vcpus: 1, disk: 0, description: 'hello' } },
      '2.55',
    );
    assert.equal(described.body.flavor.description, 'hello');
    const put = await nova(
      admin,
      'PUT',
      `/flavors/${described.body.flavor.id}`,
      { flavor: { description: 'new' } },
      '2.55',
    );
    assert.equal(put.status, 200);
    assert.equal(put.body.flavor.description, 'new');
    assert.equal(
      (await nova(alice.token, 'POST', '/flavors', { flavor: { name: 'n', ram: 64, vcpus: 1, disk: 0 } })).status,
      403,
    );
    assert.equal((await nova(admin, 'DELETE', '/flavors/9001')).status, 202);
    const gone = await nova(admin, 'GET', '/flavors/9001');
    assert.equal(gone.status, 404);
    assert.equal(gone.body.itemNotFound.message, 'Flavor 9001 could not be found.');
    const again = await nova(admin, 'POST', '/flavors', {
      flavor: { name: 'f-int', ram: 64, vcpus: 1, disk: 0, id: 9001 },
    });
    assert.equal(again.status, 200, 'a deleted flavor frees its name and id');
  });

  it('rejects bad flavor bodies with 400', async () => {
    const base = { name: 'bad', ram: 64, vcpus: 1, disk: 0 };
    const cases: [string, unknown][] = [
      ['no flavor', {}],
      ['ram 0', { flavor: { ...base, ram: 0 } }],
      ['ram negative string', { flavor: { ...base, ram: '-1' } }],
      ['vcpus 0', { flavor: { ...base, vcpus: 0 } }],
      ['disk -1', { flavor: { ...base, disk: -1 } }],
      ['swap -1', { flavor: { ...base, swap: -1 } }],
      ['ephemeral -1', { flavor: { ...base, 'OS-FLV-EXT-DATA:ephemeral': -1 } }],
      ['rxtx 0', { flavor: { ...base, rxtx_factor: 0 } }],
      ['is_public bogus', { flavor: { ...base, 'os-flavor-access:is_public': 'maybe' } }],
      ['name blank', { flavor: { ...base, name: '' } }],
      ['name leading space', { flavor: { ...base, name: ' x' } }],
      ['name too long', { flavor: { ...base, name: 'a'.repeat(256) } }],
      ['id with slash', { flavor: { ...base, id: 'a/b' } }],
      ['missing ram', { flavor: { name: 'x', vcpus: 1, disk: 0 } }],
      ['unknown field', { flavor: { ...base, colour: 'red' } }],
      ['description at 2.1', { flavor: { ...base, description: 'x' } }],
    ];
    for (const [name, body] of cases) {
      const res = await nova(cloud.adminToken, 'POST', '/flavors', body);
      assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.badRequest.code, 400, name);
    }
  });

  it('private flavors: access lists, visibility and extra specs', async () => {
    const admin = cloud.adminToken;
    const priv = await nova(admin, 'POST', '/flavors', {
      flavor: { name: 'f-private', ram: 64, vcpus: 1, disk: 0, 'os-flavor-access:is_public': false },
    });
    const id = priv.body.flavor.id;
    assert.equal((await nova(alice.token, 'GET', `/flavors/${id}`)).status, 404);
    const names = async (token: string, q = '') =>
      (await nova(token, 'GET', `/flavors/detail${q}`)).body.flavors.map((f: { name: string }) => f.name);
    assert.ok(!(await names(alice.token)).includes('f-private'));
    assert.ok(!(await names(admin)).includes('f-private'), 'admins list public ones by default');
    assert.ok((await names(admin, '?is_public=no')).includes('f-private'));
    assert.ok((await names(admin, '?is_public=None')).includes('f-private'));
    assert.ok(!(await names(admin, '?is_public=f')).includes('m1.tiny'));
    assert.equal((await nova(admin, 'GET', '/flavors?is_public=maybe')).status, 400);

    const add = await nova(admin, 'POST', `/flavors/${id}/action`, { addTenantAccess: { tenant: alice.projectId } });
    assert.equal(add.status, 200, JSON.stringify(add.body));
    assert.deepEqual(add.body.flavor_access, [{ flavor_id: id, tenant_id: alice.projectId }]);
    const dup = await nova(admin, 'POST', `/flavors/${id}/action`, { addTenantAccess: { tenant: alice.projectId } });
    assert.equal(dup.status, 409);
    assert.equal((await nova(alice.token, 'GET', `/flavors/${id}`)).status, 200);
    assert.ok((await names(alice.token)).includes('f-private'));
    const listed = await nova(admin, 'GET', `/flavors/${id}/os-flavor-access`);
    assert.equal(listed.body.flavor_access.length, 1);
    assert.equal((await nova(admin, 'GET', '/flavors/1/os-flavor-access')).status, 404);
    assert.equal((await nova(admin, 'POST', '/flavors/1/action', { addTenantAccess: { tenant: 'x' } })).status, 409);
    assert.equal(
      (await nova(alice.token, 'POST', `/flavors/${id}/action`, { removeTenantAccess: { tenant: alice.projectId } }))
        .status,
      403,
    );
    const removed = await nova(admin, 'POST', `/flavors/${id}/action`, {
      removeTenantAccess: { tenant: alice.projectId },
    });
    assert.deepEqual(removed.body.flavor_access, []);
    const again = await nova(admin, 'POST', `/flavors/${id}/action`, {
      removeTenantAccess: { tenant: alice.projectId },
    });
    assert.equal(again.status, 404);

    const specs = `/flavors/${id}/os-extra_specs`;
    const set = await nova(admin, 'POST', specs, { extra_specs: { 'hw:cpu_policy': 'shared', n: 2, b: true } });
    assert.deepEqual(set.body.extra_specs, { 'hw:cpu_policy': 'shared', n: '2', b: 'True' });
    assert.deepEqual((await nova(admin, 'GET', `${specs}/n`)).body, { n: '2' });
    assert.deepEqual((await nova(admin, 'PUT', `${specs}/n`, { n: '3' })).body, { n: '3' });
    assert.equal((await nova(admin, 'PUT', `${specs}/n`, { m: '3' })).status, 400);
    assert.equal((await nova(admin, 'PUT', `${specs}/n`, { n: '3', m: '4' })).status, 400);
    assert.equal((await nova(admin, 'DELETE', `${specs}/n`)).status, 200);
    assert.equal((await nova(admin, 'DELETE', `${specs}/n`)).status, 404);
    assert.equal((await nova(admin, 'GET', `${specs}/n`)).status, 404);
    assert.equal(
      (await nova(alice.token, 'POST', '/flavors/1/os-extra_specs', { extra_specs: { a: 'b' } })).status,
      403,
    );
    assert.equal((await nova(alice.token, 'GET', '/flavors/1/os-extra_specs')).status, 200);
    const at286 = (body: unknown) => nova(admin, 'POST', specs, body, '2.86');
    assert.equal((await at286({ extra_specs: { 'hw:cpu_policy': 'sometimes' } })).status, 400);
    assert.equal((await at286({ extra_specs: { 'hw:no_such_key': '1' } })).status, 400);
    assert.equal((await at286({ extra_specs: { 'hw:numa_nodes': '0' } })).status, 400);
    assert.equal((await at286({ extra_specs: { 'trait:HW_CPU_X86_AVX': 'maybe' } })).status, 400);
    assert.equal((await at286({ extra_specs: { 'custom:anything': 'goes', 'hw:numa_nodes': '2' } })).status, 200);
    assert.equal((await nova(admin, 'DELETE', `${specs}/custom:anything`)).status, 200);
    assert.equal((await nova(admin, 'DELETE', `${specs}/hw:numa_nodes`)).status, 200);
    const detail = await nova(admin, 'GET', `/flavors/${id}`, undefined, '2.61');
    assert.deepEqual(detail.body.flavor.extra_specs, { 'hw:cpu_policy': 'shared', b: 'True' });
  });
});
