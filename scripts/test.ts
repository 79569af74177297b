/**
 * `npm test`: every test stage in order, stopping at the first that fails.
 *   1. typecheck and lint, then unit and integration tests (node:test) on the embedded SQLite default, including
 *      the openstack CLI flows;
 *   2. the identity, image and network integration tests again on PostgreSQL (STRATA_TEST_DATABASE_URL, or a local cluster when root);
 *   3. Tempest: identity v3 and the interop guideline's identity tests (`npm run conformance -- identity`),
 *      then the keystone-tempest-plugin API tests, then image v2 with the guideline's image tests, then the
 *      guideline's network tests.
 * `npm test -- --quick` runs stage 1 only; `--stage <n>` one stage.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, globSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { localPostgres } from './postgres.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, stage: { type: 'string' } } });
const only = values.stage ? Number(values.stage) : undefined;
const wants = (n: number) => (only === undefined ? !(values.quick && n > 1) : only === n);

function run(title: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  console.log(`\n== ${title}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n== FAILED: ${title} (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

const node = process.execPath;
const testFiles = (pattern: string) => globSync(pattern).sort();

if (wants(1)) {
  run('typecheck', node, ['node_modules/typescript/bin/tsc', '--noEmit']);
  run('lint', node, ['node_modules/@biomejs/biome/bin/biome', 'check', '.']);
}
if (wants(1))
  run('unit and integration tests (SQLite)', node, [
    '--test',
    '--test-reporter=dot',
    ...testFiles('test/**/*.test.ts'),
  ]);

if (wants(2)) {
  const url = process.env.STRATA_TEST_DATABASE_URL ?? localPostgres();
  if (url)
    run(
      'identity, image and network integration tests (PostgreSQL)',
      node,
      ['--test', '--test-reporter=dot', ...testFiles('test/{identity,image,network}/api/*.test.ts')],
      { STRATA_TEST_DATABASE_URL: url },
    );
  else
    console.log(
      '\n== skipped: PostgreSQL tests (no STRATA_TEST_DATABASE_URL and no local cluster; run as root to set one up)',
    );
}

if (wants(3)) {
  if (existsSync('/usr/bin/tempest')) {
    run('Tempest identity conformance', node, ['scripts/conformance.ts', 'identity', '--ci']);
    run('keystone-tempest-plugin API tests', node, ['scripts/conformance.ts', 'identity', '--plugin', '--ci']);
    run('Tempest image conformance', node, ['scripts/conformance.ts', 'image', '--ci']);
    // The full network set takes ~25 minutes (Tempest sleeps 10 s before each subnet delete): CI runs the
    // guideline's network tests; `npm run conformance -- network` runs all of them.
    run('Tempest network interop tests', node, ['scripts/conformance.ts', 'network', '--interop', '--ci']);
  } else console.log('\n== skipped: Tempest (install Debian packages tempest and keystone-tempest-plugin)');
}
