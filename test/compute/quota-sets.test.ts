import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { createMember, type Member } from '../identity/member-fixture.ts';
import { novaCaller } from './compute-fixture.ts';

const V21_KEYS = [
  'cores',
  'fixed_ips',
  'floating_ips',
  'id',
  'injected_file_content_bytes',
  'injected_file_path_bytes',
  'injected_files',
  'instances',
  'key_pairs',
  'metadata_items',
  'ram',
  'security_group_rules',
  'security_groups',
  'server_group_members',
  'server_groups',
];
const V257_KEYS = [
  'cores',
  'id',
  'instances',
  'key_pairs',
  'metadata_items',
  'ram',
  'server_group_members',
  'server_groups',
];

describe('quota sets, quota classes and limits', () => {
  let cloud: TestCloud;
  let alice: Member;
  const nova = novaCaller(() => cloud);

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'quota-alice');
  });
  after(() => cloud.close());

  it('shows defaults and project quotas per microversion', async () => {
    const defaults = await nova(alice.token, 'GET', `/os-quota-sets/${alice.projectId}/defaults`);
    assert.equal(defaults.status, 200, JSON.stringify(defaults.body));
    assert.deepEqual(Object.keys(defaults.body.quota_set).sort(), V21_KEYS);
    assert.equal(defaults.body.quota_set.id, alice.projectId);
    assert.equal(defaults.body.quota_set.instances, 10);
    assert.equal(defaults.body.quota_set.cores, 20);
    assert.equal(defaults.body.quota_set.ram, 51200);
    assert.equal(defaults.body.quota_set.fixed_ips, -1);
    const mine = await nova(alice.token, 'GET', `/os-quota-sets/${alice.projectId}`, undefined, '2.57');
    assert.deepEqual(Object.keys(mine.body.quota_set).sort(), V257_KEYS);
    const v236 = await nova(alice.token, 'GET', `/os-quota-sets/${alice.projectId}`, undefined, '2.36');
    assert.ok(!('floating_ips' in v236.body.quota_set));
    assert.ok('injected_files' in v236.body.quota_set);
    assert.equal((await nova(alice.token, 'GET', '/os-quota-sets/other-project')).status, 403);
    const detail = await nova(alice.token, 'GET', `/os-quota-sets/${alice.projectId}/detail`);
    assert.deepEqual(detail.body.quota_set.instances, { limit: 10, in_use: 0, reserved: 0 });
  });

  it('admins update (strings too), per user, and delete back to the defaults', async () => {
    const admin = cloud.adminToken;
    const path = `/os-quota-sets/${alice.projectId}`;
    const upd = await nova(admin, 'PUT', path, { quota_set: { ram: '5120', instances: 3 } });
    assert.equal(upd.status, 200, JSON.stringify(upd.body));
    assert.equal(upd.body.quota_set.ram, 5120);
    assert.ok(!('id' in upd.body.quota_set));
    assert.equal((await nova(admin, 'GET', `${path}/detail`)).body.quota_set.ram.limit, 5120);
    const user = await nova(admin, 'PUT', `${path}?user_id=${alice.userId}`, { quota_set: { ram: 2048 } });
    assert.equal(user.body.quota_set.ram, 2048);
    assert.equal((await nova(admin, 'GET', `${path}?user_id=${alice.userId}`)).body.quota_set.ram, 2048);
    assert.equal((await nova(admin, 'GET', path)).body.quota_set.ram, 5120);
    assert.equal((await nova(alice.token, 'PUT', path, { quota_set: { ram: 1 } })).status, 403);
    for (const body of [
      { quota_set: { ram: -2 } },
      { quota_set: { ram: 'lots' } },
      { quota_set: { bogus: 1 } },
      { quota_set: {}, extra: 1 },
    ])
      assert.equal((await nova(admin, 'PUT', path, body)).status, 400, JSON.stringify(body));
    const atNew = await nova(admin, 'PUT', path, { quota_set: { floating_ips: 1 } }, '2.36');
    assert.equal(atNew.status, 400, 'network quotas are gone at 2.36');
    assert.equal((await nova(admin, 'DELETE', path)).status, 202);
    assert.equal((await nova(admin, 'GET', path)).body.quota_set.ram, 51200);
  });

  it('refuses a limit below current usage unless forced', async () => {
    const admin = cloud.adminToken;
    await nova(alice.token, 'POST', '/os-keypairs', { keypair: { name: 'q1' } });
    await nova(alice.token, 'POST', '/os-keypairs', { keypair: { name: 'q2' } });
    const path = `/os-quota-sets/${alice.projectId}?user_id=${alice.userId}`;
    const low = await nova(admin, 'PUT', path, { quota_set: { key_pairs: 1 } });
    assert.equal(low.status, 400);
    assert.match(low.body.badRequest.message, /must be greater than or equal to already used and reserved 2/);
    assert.equal((await nova(admin, 'PUT', path, { quota_set: { key_pairs: 1, force: true } })).status, 200);
    await nova(admin, 'DELETE', path);
  });
});
