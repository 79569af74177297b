import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { bin, cliEnv, startCli } from './cli-process.ts';

const run = promisify(execFile);
const env = cliEnv;

test('strata --help lists the commands and options', async () => {
  const { stdout } = await run(bin, ['--help'], { env });
  for (const word of ['start', 'bootstrap', 'db', 'identity', '--config', '--data-dir', '--port', '--host'])
    assert.match(stdout, new RegExp(word));
  const identity = await run(bin, ['identity', '--help'], { env });
  assert.match(identity.stdout, /rotate-keys/);
});

test('bootstrap, db migrate and rotate-keys work on a data directory', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-cli-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const boot = await run(bin, ['bootstrap', '--data-dir', dataDir], {
    env: { ...env, STRATA_ADMIN_PASSWORD: 'cli-Secret-1' },
  });
  assert.match(boot.stdout, /bootstrapped/);
  const clouds = parse(await readFile(join(dataDir, 'clouds.yaml'), 'utf8'));
  assert.equal(clouds.clouds.strata.auth.password, 'cli-Secret-1');
  assert.match(await readFile(join(dataDir, 'admin-openrc'), 'utf8'), /export OS_PASSWORD='cli-Secret-1'/);

  assert.match((await run(bin, ['db', 'migrate', '--data-dir', dataDir], { env })).stdout, /up to date/);
  const before = (await readdir(join(dataDir, 'fernet-keys'))).sort();
  assert.deepEqual(before, ['0', '1']);
  assert.match(
    (await run(bin, ['identity', 'rotate-keys', '--data-dir', dataDir], { env })).stdout,
    /primary key is now 2/,
  );
  assert.deepEqual((await readdir(join(dataDir, 'fernet-keys'))).sort(), ['0', '1', '2']);
});

test('strata start prints where everything is and serves tokens; a bad option is a clear error', async (t) => {
  const { url, banner: out } = await startCli(t, [], { STRATA_ADMIN_PASSWORD: 'cli-Secret-2' });
  for (const line of ['identity', 'data', 'database', 'credentials', 'clouds.yaml'])
    assert.match(out, new RegExp(line));
  const res = await fetch(`${url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', domain: { id: 'default' }, password: 'cli-Secret-2' } },
        },
      },
    }),
  });
  assert.equal(res.status, 201);

  await assert.rejects(run(bin, ['start', '--port', 'eighty'], { env }), /not a TCP port: eighty/);
});
