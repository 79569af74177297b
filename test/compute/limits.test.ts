import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { createMember, type Member } from '../identity/member-fixture.ts';
import { novaCaller } from './compute-fixture.ts';

describe('limits', () => {
  let cloud: TestCloud;
  let alice: Member;
  const nova = novaCaller(() => cloud);

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'limits-alice');
  });
  after(() => cloud.close());

  it('limits show absolute limits and usage per microversion', async () => {
    const v21 = await nova(alice.token, 'GET', '/limits');
    assert.equal(v21.status, 200);
    assert.deepEqual(v21.body.limits.rate, []);
    const abs = v21.body.limits.absolute;
    for (const k of [
      'maxImageMeta',
      'maxPersonality',
      'maxPersonalitySize',
      'maxSecurityGroupRules',
      'maxSecurityGroups',
      'maxServerMeta',
      'maxTotalCores',
      'maxTotalFloatingIps',
      'maxTotalInstances',
      'maxTotalKeypairs',
      'maxTotalRAMSize',
      'totalCoresUsed',
      'totalFloatingIpsUsed',
      'totalInstancesUsed',
      'totalRAMUsed',
      'totalSecurityGroupsUsed',
    ])
      assert.ok(k in abs, k);
    assert.equal(abs.maxTotalInstances, 10);
    const latest = await nova(alice.token, 'GET', '/limits', undefined, '2.93');
    assert.deepEqual(Object.keys(latest.body.limits.absolute).sort(), [
      'maxServerGroupMembers',
      'maxServerGroups',
      'maxServerMeta',
      'maxTotalCores',
      'maxTotalInstances',
      'maxTotalKeypairs',
      'maxTotalRAMSize',
      'totalCoresUsed',
      'totalInstancesUsed',
      'totalRAMUsed',
      'totalServerGroupsUsed',
    ]);
    await nova(cloud.adminToken, 'PUT', `/os-quota-sets/${alice.projectId}`, { quota_set: { cores: 7 } });
    const other = await nova(cloud.adminToken, 'GET', `/limits?tenant_id=${alice.projectId}`);
    assert.equal(other.body.limits.absolute.maxTotalCores, 7);
    const ignored = await nova(alice.token, 'GET', '/limits?tenant_id=someone-else');
    assert.equal(ignored.body.limits.absolute.maxTotalCores, 7, "a member's tenant_id is ignored");
  });

  it('drops network fields at 2.36, maxImageMeta at 2.39, personality at 2.57', async () => {
    const keys = async (mv: string) =>
      Object.keys((await nova(alice.token, 'GET', '/limits', undefined, mv)).body.limits.absolute);
    const v236 = await keys('2.36');
    assert.ok(!v236.includes('maxTotalFloatingIps') && !v236.includes('maxSecurityGroups'));
    assert.ok(v236.includes('maxImageMeta') && v236.includes('maxPersonality'));
    const v239 = await keys('2.39');
    assert.ok(!v239.includes('maxImageMeta') && v239.includes('maxPersonality'));
    const v257 = await keys('2.57');
    assert.ok(!v257.includes('maxPersonality') && !v257.includes('maxPersonalitySize'));
  });
});
