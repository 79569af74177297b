import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { createMember, type Member } from '../identity/member-fixture.ts';
import { novaCaller, waitForComputeHost } from './compute-fixture.ts';

const HOST = 'audit-test-host';

describe('os-instance_usage_audit_log', () => {
  let cloud: TestCloud;
  let alice: Member;
  const nova = novaCaller(() => cloud);

  before(async () => {
    cloud = await startCloud(undefined, { network: { host: HOST } });
    alice = await createMember(cloud, 'audit-alice');
    await waitForComputeHost(cloud, HOST);
  });
  after(() => cloud.close());

  it('reports the last month with every compute host not run', async () => {
    const list = await nova(cloud.adminToken, 'GET', '/os-instance_usage_audit_log');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const log = list.body.instance_usage_audit_logs;
    assert.deepEqual(log.hosts_not_run, [HOST]);
    assert.equal(log.overall_status, '0 of 1 hosts done. 0 errors.');
    assert.match(log.period_beginning, /^\d{4}-\d\d-01 00:00:00$/);
    const shown = await nova(cloud.adminToken, 'GET', '/os-instance_usage_audit_log/2026-03-15%2012%3A00%3A00');
    assert.equal(shown.body.instance_usage_audit_log.period_beginning, '2026-02-01 00:00:00');
    assert.equal(shown.body.instance_usage_audit_log.period_ending, '2026-03-01 00:00:00');
    assert.equal((await nova(cloud.adminToken, 'GET', '/os-instance_usage_audit_log/invalid_time')).status, 400);
    assert.equal((await nova(cloud.adminToken, 'GET', '/os-instance_usage_audit_log/100%25')).status, 400);
    assert.equal((await nova(alice.token, 'GET', '/os-instance_usage_audit_log')).status, 403);
    assert.equal(
      (await nova(alice.token, 'GET', '/os-instance_usage_audit_log/2026-03-15%2012%3A00%3A00')).status,
      403,
    );
  });
});
