import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { createMember, type Member } from '../identity/member-fixture.ts';
import { novaCaller } from './compute-fixture.ts';

describe('os-quota-class-sets', () => {
  let cloud: TestCloud;
  let alice: Member;
  const nova = novaCaller(() => cloud);

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'qc-alice');
  });
  after(() => cloud.close());

  it('quota class default replaces the configured defaults', async () => {
    const admin = cloud.adminToken;
    const shown = await nova(admin, 'GET', '/os-quota-class-sets/default');
    assert.equal(shown.status, 200);
    assert.equal(shown.body.quota_class_set.id, 'default');
    assert.ok('floating_ips' in shown.body.quota_class_set);
    assert.ok(!('server_groups' in shown.body.quota_class_set), 'server group quotas appear at 2.50');
    const v250 = await nova(admin, 'GET', '/os-quota-class-sets/default', undefined, '2.50');
    assert.ok('server_groups' in v250.body.quota_class_set && !('floating_ips' in v250.body.quota_class_set));
    const upd = await nova(admin, 'PUT', '/os-quota-class-sets/default', { quota_class_set: { instances: 110 } });
    assert.equal(upd.status, 200);
    assert.equal(upd.body.quota_class_set.instances, 110);
    assert.ok(!('id' in upd.body.quota_class_set));
    const defaults = await nova(alice.token, 'GET', `/os-quota-sets/${alice.projectId}/defaults`);
    assert.equal(defaults.body.quota_set.instances, 110);
    assert.equal((await nova(alice.token, 'GET', '/os-quota-class-sets/default')).status, 403);
    await nova(admin, 'PUT', '/os-quota-class-sets/default', { quota_class_set: { instances: 10 } });
  });

  it('2.57 drops injected files; other classes are stored but only default applies; bad bodies are 400', async () => {
    const admin = cloud.adminToken;
    const v257 = await nova(admin, 'GET', '/os-quota-class-sets/default', undefined, '2.57');
    assert.deepEqual(Object.keys(v257.body.quota_class_set).sort(), [
      'cores',
      'id',
      'instances',
      'key_pairs',
      'metadata_items',
      'ram',
      'server_group_members',
      'server_groups',
    ]);
    const gold = await nova(admin, 'PUT', '/os-quota-class-sets/gold', { quota_class_set: { cores: 99 } });
    assert.equal(gold.body.quota_class_set.cores, 99);
    assert.equal((await nova(admin, 'GET', '/os-quota-class-sets/gold')).body.quota_class_set.cores, 99);
    assert.equal((await nova(admin, 'GET', '/os-quota-class-sets/default')).body.quota_class_set.cores, 20);
    for (const [body, mv] of [
      [{ quota_class_set: { cores: -2 } }, undefined],
      [{ quota_class_set: { bogus: 1 } }, undefined],
      [{ quota_class_set: { floating_ips: 1 } }, '2.50'],
      [{ quota_class_set: { injected_files: 1 } }, '2.57'],
      [{ other: {} }, undefined],
    ] as [unknown, string | undefined][])
      assert.equal(
        (await nova(admin, 'PUT', '/os-quota-class-sets/default', body, mv)).status,
        400,
        JSON.stringify(body),
      );
    assert.equal(
      (await nova(alice.token, 'PUT', '/os-quota-class-sets/default', { quota_class_set: { cores: 1 } })).status,
      403,
    );
  });
});
