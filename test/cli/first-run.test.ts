import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_SCOPE, passwordAuth } from '../../scripts/identity-client.ts';
import { startCli } from './cli-process.ts';

test('strata start --first-run makes the public external network on a new cloud', async (t) => {
  // No guest image path: the build (Debian packages, ~15 s) is not what this test is about.
  const { url, banner } = await startCli(t, ['--first-run'], {
    STRATA_ADMIN_PASSWORD: 'cli-Secret-3',
    STRATA_IMAGE__GUEST_IMAGE: '',
  });
  assert.match(banner, /external network 'public'/);
  const login = await fetch(`${url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(passwordAuth('admin', 'cli-Secret-3', ADMIN_SCOPE)),
  });
  const token = login.headers.get('x-subject-token') ?? '';
  const res = await fetch(`${url}/networking/v2.0/networks?router:external=true`, {
    headers: { 'x-auth-token': token },
  });
  const { networks } = (await res.json()) as { networks: { name: string; subnets: string[] }[] };
  assert.deepEqual(
    networks.map((n) => n.name),
    ['public'],
  );
  assert.equal(networks[0].subnets.length, 1);
});
