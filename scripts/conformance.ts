/**
 * `npm run conformance -- <service> [options]`: runs OpenStack's Tempest against a freshly started Strata
 * (or `--auth-url`/`--password` of a running one) with a tempest.conf written here, and prints
 * `N passed, N failed, N skipped` with the failures and skips listed.
 *
 *   --regex <re>       tests to run (default: the service's full Tempest API set)
 *   --exclude <re>     tests to leave out
 *   --plugin           the service's Tempest plugin API tests instead (keystone-, neutron-tempest-plugin)
 *   --interop          only the interop guideline's tests of the service (what CI runs where the full set is
 *                      too long for it: network, whose Tempest client sleeps 10 s before every subnet delete)
 *   --ci               the CI gate: the service's set, then pass if >= 95% (compute: 90%) of non-skipped tests
 *                      pass and every interop-guideline test of the service passes
 *   --concurrency <n>  Tempest workers (default: the set's, else 2)
 *   scenario           (the service) Tempest with validation on against real instances: needs root with QEMU,
 *                      dnsmasq and nftables (see scripts/conformance/real-cloud.ts)
 *   --keep             keep the workspace (its path is printed) for `stestr last` and tempest.log
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { removeLeftovers } from './conformance/host-leftovers.ts';
import { cloudResourceIds, type RealCloud, removeDataDir, startRealCloud } from './conformance/real-cloud.ts';
import { securityComplianceEnv, startServer } from './conformance/server.ts';
import { INTEROP, SERVICES } from './conformance/sets.ts';
import { type TempestClient, tempestClient } from './conformance/tempest-client.ts';
import { tempestConf } from './conformance/tempest-conf.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    regex: { type: 'string' },
    exclude: { type: 'string' },
    plugin: { type: 'boolean' },
    interop: { type: 'boolean' },
    ci: { type: 'boolean' },
    concurrency: { type: 'string' },
    keep: { type: 'boolean' },
    'auth-url': { type: 'string' },
    password: { type: 'string' },
  },
});
const service = positionals[0] ?? 'identity';
const set = SERVICES[service];
if (!set) {
  console.error(`conformance: unknown service '${service}'; known: ${Object.keys(SERVICES).join(', ')}`);
  process.exit(2);
}

// An external cloud's [security_compliance] is unknown, so Tempest is told it is off there (Keystone's default).
const securityCompliance = values['auth-url'] ? undefined : set.securityCompliance;
if (set.realCloud && values['auth-url']) {
  console.error(`conformance: the ${service} set starts its own cloud with real instances; --auth-url is not for it`);
  process.exit(2);
}
// A set with real instances: a cloud with the qemu driver and the linux dataplane, and Tempest in a client
// namespace on its external network (tempest-client.ts).
const real: RealCloud | undefined = set.realCloud ? await startRealCloud({ env: set.serverEnv }) : undefined;
const server = values['auth-url']
  ? undefined
  : (real ??
    (await startServer({
      env: { ...(securityCompliance && securityComplianceEnv(securityCompliance)), ...set.serverEnv },
    })));
let client: TempestClient | undefined;
const authUrl = values['auth-url'] ?? server!.authUrl;
const password = values.password ?? server?.password ?? '';
const workspace = await mkdtemp(join(tmpdir(), 'strata-tempest-'));
let exitCode = 1;
try {
  const init = spawnSync('tempest', ['init', workspace], { stdio: 'inherit' });
  if (init.status !== 0) throw new Error('tempest init failed');
  await writeFile(
    join(workspace, 'etc', 'tempest.conf'),
    tempestConf({
      workspace,
      authUrl,
      password,
      services: set.services,
      securityCompliance,
      extra: withInterop(await set.prepare?.(authUrl, password), values.interop ? set.interopConf : undefined),
    }),
    { mode: 0o600 },
  );
  const interop = INTEROP[service] ?? [];
  // Test ids carry their tags after the name (`test_x[id-...,smoke]`).
  const interopRegex = `^(${interop.map((id) => id.replaceAll('.', '\\.')).join('|')})(\\[|$)`;
  const regex = values.regex ?? (values.interop ? interopRegex : values.plugin ? set.pluginRegex : set.regex);
  if (!regex) throw new Error(`no plugin tests for ${service}`);
  const exclude = [set.exclude, values.exclude].filter(Boolean).join('|');
  const selection = ['--regex', regex, ...(exclude ? ['--exclude-regex', exclude] : [])];
  const concurrency = values.concurrency ?? String(set.concurrency ?? 2);
  const args = ['run', '--concurrency', concurrency, ...selection];
  if (real) client = tempestClient(real);
  const tempest = client ? client.wrap('tempest', args) : { cmd: 'tempest', args, env: process.env };
  console.log(
    `conformance: tempest ${values.interop ? `run --concurrency ${concurrency} (the ${interop.length} interop tests)` : args.join(' ')} against ${authUrl}`,
  );
  spawnSync(tempest.cmd, tempest.args, {
    cwd: workspace,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...tempest.env, OS_TEST_TIMEOUT: String(set.testTimeout ?? 300) },
  });
  const results = expandClassResults(readResults(workspace), listTests(workspace, selection));
  report(results, set.skipReasons);
  exitCode = values.ci ? gate(results, values.plugin || values.regex ? [] : interop, set.passRatio ?? 0.95) : 0;
} catch (err) {
  console.error(`conformance: ${(err as Error).message}`);
} finally {
  await client?.close().catch((err: Error) => console.error(`conformance: client namespace: ${err.message}`));
  const ids = real && (await cloudResourceIds(real).catch(() => ({ networkIds: [], routerIds: [] })));
  await server?.stop();
  if (real && ids) {
    // Whatever the run left (a failed test's guests, namespaces) goes with the cloud.
    await removeLeftovers({ dataDir: real.dataDir, hostNamespace: real.hostNamespace, ...ids });
    await removeDataDir(real);
  }
  if (values.keep) console.log(`conformance: workspace kept at ${workspace} (cd there; stestr last; tempest.log)`);
  else await rm(workspace, { recursive: true, force: true });
}
process.exit(exitCode);

/** The prepared tempest.conf sections with the set's `--interop` keys laid over them, section by section. */
function withInterop(
  extra: Record<string, Record<string, string>> | undefined,
  interop: Record<string, Record<string, string>> | undefined,
): Record<string, Record<string, string>> | undefined {
  if (!interop) return extra;
  const out = { ...extra };
  for (const [name, kv] of Object.entries(interop)) out[name] = { ...out[name], ...kv };
  return out;
}

interface Results {
  passed: string[];
  failed: string[];
  skipped: string[];
}

/** stestr's last run as CSV rows (test id, status, ...) via subunit2csv, from Debian's python3-subunit. */
function readResults(workspace: string): Results {
  const subunit = spawnSync('stestr', ['last', '--subunit'], { cwd: workspace, maxBuffer: 1 << 28 });
  const csv = spawnSync('subunit2csv', [], { input: subunit.stdout, encoding: 'utf8', maxBuffer: 1 << 28 });
  const out: Results = { passed: [], failed: [], skipped: [] };
  for (const line of csv.stdout.split('\n').slice(1)) {
    // subunit2csv quotes ids that contain commas (parametrised test names).
    const m = line.match(/^(?:"((?:[^"]|"")*)"|([^,]*)),([^,]*)/);
    if (!m) continue;
    const rawId = (m[1] ?? m[2]).replaceAll('""', '"');
    const status = m[3];
    if (!rawId || !status) continue;
    const id = rawId.replace(/\[.*\]$/, '');
    if (status === 'success') out.passed.push(id);
    else if (status === 'skip') out.skipped.push(id);
    else if (status === 'fail' || status === 'failure') out.failed.push(id);
  }
  return out;
}

function listTests(workspace: string, selection: string[]): string[] {
  const listed = spawnSync('tempest', ['run', ...selection, '--list-tests'], {
    cwd: workspace,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return listed.stdout
    .split('\n')
    .filter((l) => /^[\w.]+\.test_\w+/.test(l))
    .map((l) => l.replace(/\[.*\]$/, ''));
}

/**
 * A class whose setUpClass failed or skipped reports one result for the whole class; count each of its tests,
 * so passed + failed + skipped always covers every selected test.
 */
function expandClassResults(r: Results, listed: string[]): Results {
  const expand = (ids: string[]) =>
    ids.flatMap((id) => {
      const m = id.match(/^setUpClass \((.+)\)$/);
      if (!m) return [id];
      const tests = listed.filter((t) => t.startsWith(`${m[1]}.`));
      return tests.length ? tests : [id];
    });
  return { passed: r.passed, failed: expand(r.failed), skipped: expand(r.skipped) };
}

function report(r: Results, reasons: [RegExp, string][]): void {
  for (const id of r.failed) console.log(`FAILED: ${id}`);
  for (const id of r.skipped)
    console.log(`SKIPPED: ${id} (${reasons.find(([re]) => re.test(id))?.[1] ?? 'see stestr last'})`);
  console.log(`${r.passed.length} passed, ${r.failed.length} failed, ${r.skipped.length} skipped`);
}

function gate(r: Results, interop: string[], passRatio: number): number {
  const ran = r.passed.length + r.failed.length;
  const ratio = ran ? r.passed.length / ran : 0;
  const missing = interop.filter((id) => !r.passed.includes(id));
  console.log(
    `conformance: ${(ratio * 100).toFixed(1)}% of non-skipped tests passed (gate ${passRatio * 100}%); interop tests not passed: ${missing.length}`,
  );
  for (const id of missing) console.log(`INTEROP NOT PASSED: ${id}`);
  return ratio >= passRatio && missing.length === 0 && ran > 0 ? 0 : 1;
}
