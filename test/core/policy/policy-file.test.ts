import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';

test('a policy file overrides rules by name for the running cloud; other rules keep their defaults', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-policy-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const policyFile = join(dir, 'policy.yaml');
  await writeFile(policyFile, '"identity:list_regions": "!"\n"identity:get_region": "role:reader"\n');
  const cloud = await startCloud(t, { policyFile });
  const token = cloud.adminToken;
  const list = await cloud.call('GET', '/identity/v3/regions', { token });
  assert.equal(list.status, 403, 'overridden to never');
  assert.equal(list.body.error.code, 403);
  assert.equal(
    (await cloud.call('GET', '/identity/v3/regions/RegionOne', { token })).status,
    200,
    'admin implies reader',
  );
  assert.equal(
    (await cloud.call('GET', '/identity/v3/projects', { token })).status,
    200,
    'untouched rules keep defaults',
  );
});
