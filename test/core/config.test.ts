import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig, publicUrlOf } from '../../src/core/config.ts';

test('defaults, then the YAML file, then the environment, then flags', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-config-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const defaults = await loadConfig({ dataDir: dir, env: {} });
  assert.equal(defaults.listen.port, 8080);
  assert.equal(defaults.database.url, '');
  assert.equal(defaults.identity.tokenExpiration, 3600);

  await writeFile(
    join(dir, 'strata.yaml'),
    'listen:\n  port: 9000\nidentity:\n  tokenExpiration: 600\nregion: Elsewhere\n',
  );
  const fromFile = await loadConfig({ dataDir: dir, env: {} });
  assert.equal(fromFile.listen.port, 9000);
  assert.equal(fromFile.listen.host, '127.0.0.1', 'unnamed keys keep their defaults');
  assert.equal(fromFile.identity.tokenExpiration, 600);
  assert.equal(fromFile.identity.maxActiveKeys, 3);

  const env = {
    STRATA_IDENTITY__SCRYPT__N: '1024',
    STRATA_IDENTITY__TOKEN_EXPIRATION: '300',
    STRATA_DATABASE__URL: 'postgres://x@h/db',
    STRATA_LOG_LEVEL: 'warn',
    STRATA_ADMIN_PASSWORD: 's3cret',
    STRATA_DATA_DIR: '/ignored',
  };
  const fromEnv = await loadConfig({ dataDir: dir, env });
  assert.equal(fromEnv.identity.tokenExpiration, 300);
  assert.deepEqual(fromEnv.identity.scrypt, { N: 1024, r: 8, p: 2 }, 'env names map onto the keys as spelled');
  assert.equal(fromEnv.database.url, 'postgres://x@h/db');
  assert.equal(fromEnv.logLevel, 'warn');
  assert.equal(fromEnv.admin.password, 's3cret');
  assert.equal(fromEnv.dataDir, dir, 'the flag wins over STRATA_DATA_DIR');

  const flags = await loadConfig({ dataDir: dir, env, port: 0, host: '0.0.0.0' });
  assert.equal(flags.listen.port, 0);
  assert.equal(publicUrlOf(flags, 4321), 'http://127.0.0.1:4321', 'a wildcard listener is reached on loopback');
});

test('a broken config file is an error naming the file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-config-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'bad.yaml');
  await writeFile(file, '- just\n- a list\n');
  await assert.rejects(loadConfig({ configFile: file, env: {} }), /bad\.yaml is not a YAML mapping/);
  await assert.rejects(loadConfig({ configFile: join(dir, 'missing.yaml'), env: {} }), /cannot read config file/);
});
