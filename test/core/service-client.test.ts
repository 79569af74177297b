import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Config } from '../../src/core/config.ts';
import { createServiceClient } from '../../src/core/service-client.ts';
import { serviceCredentials, serviceCredentialsFile } from '../../src/core/service-credentials.ts';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';

const clientFor = (cloud: TestCloud) =>
  createServiceClient({
    authUrl: () => cloud.authUrl,
    credentials: () =>
      serviceCredentials({
        dataDir: cloud.dataDir,
        serviceAuth: { authUrl: '', user: 'compute', password: '', project: 'service' },
      } as Config),
  });

test('the compute service user logs in with the generated password; its token is cached and refreshed on 401', async (t) => {
  const cloud = await startCloud(t);
  const file = serviceCredentialsFile(cloud.dataDir);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const services = clientFor(cloud);

  const first = await services.token();
  assert.equal(await services.token(), first, 'cached');
  const check = await cloud.call('GET', '/identity/v3/auth/tokens', {
    token: cloud.adminToken,
    headers: { 'x-subject-token': first },
  });
  assert.equal(check.status, 200);
  assert.equal(check.body.token.user.name, 'compute');
  assert.equal(check.body.token.project.name, 'service');
  assert.deepEqual(check.body.token.roles.map((r: { name: string }) => r.name).sort(), [
    'admin',
    'member',
    'reader',
    'service',
  ]);
  assert.equal(await services.projectId(), check.body.token.project.id);

  const list = await services.request(`${cloud.base}/networking/v2.0/networks`);
  assert.equal(list.status, 200);
  assert.ok(Array.isArray(list.body.networks));

  // Revoked behind the client's back: the next call answers 401 once, logs in again, and succeeds.
  const revoke = await cloud.call('DELETE', '/identity/v3/auth/tokens', {
    token: cloud.adminToken,
    headers: { 'x-subject-token': first },
  });
  assert.equal(revoke.status, 204);
  const again = await services.request(`${cloud.base}/networking/v2.0/networks`);
  assert.equal(again.status, 200);
  assert.notEqual(await services.token(), first);

  // For a user: the user's token decides (a bad one is the user's 401, not retried as the service).
  const bad = await services.request(`${cloud.base}/networking/v2.0/networks`, { userToken: 'not-a-token' });
  assert.equal(bad.status, 401);
  const asAdmin = await services.request(`${cloud.base}/networking/v2.0/networks`, {
    method: 'POST',
    userToken: cloud.adminToken,
    body: { network: { name: 'via-service-client' } },
  });
  assert.equal(asAdmin.status, 201);
  assert.equal(asAdmin.body.network.name, 'via-service-client');
});

test('the service password survives a restart on the same data directory', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-svc-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const one = await startCloud(t, {}, { dataDir });
  const before = await serviceCredentials({ dataDir, serviceAuth: { user: 'compute', password: '' } } as Config);
  await one.close();
  const two = await startCloud(t, {}, { dataDir });
  const after = await serviceCredentials({ dataDir, serviceAuth: { user: 'compute', password: '' } } as Config);
  assert.equal(after.password, before.password);
  assert.ok(await clientFor(two).token());
});
