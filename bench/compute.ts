/**
 * `npm run bench -- compute [--json] [--servers <n>] [--concurrency <c>] [--fake-delay-ms <ms>] [--flavor <id>]
 * [--database-url <postgres://…>]`: Compute's figures from issue 5 (item 5). Starts `strata start` as its own
 * process on a temporary data directory with the fake driver, lifts the admin project's quotas, makes a network
 * and an image, then boots --servers servers through the API with --concurrency requests in flight timing each
 * create, waits until none is in BUILD, times `GET /servers/detail` (what `openstack server list --long` calls)
 * and `GET /servers` with all of them, and deletes them all. Missing a target is not an error.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ADMIN_SCOPE } from '../scripts/identity-client.ts';
import { loadConfig } from '../src/core/config.ts';
import { countWithStatus, createServers, deleteServers, type RequestRun, settle } from './compute-boot.ts';
import { apiClient } from './compute-client.ts';
import { type ComputeBenchResult, judge, type RunSummary, renderReport } from './compute-report.ts';
import { prepareBench, projectId } from './compute-setup.ts';
import { issueToken, passwordAuthBody } from './identity-seed.ts';
import { machineFacts } from './machine.ts';
import { spread } from './network-creates.ts';
import { timeList } from './network-lists.ts';
import { scratchDatabase } from './network-setup.ts';
import { cpuMs, peakRssMiB, rssMiB } from './proc-stats.ts';
import { freePort, type ServerProcess, startServer } from './server-process.ts';
import { trackDir } from './teardown.ts';

/** How long the bench waits for every server to leave BUILD (or to be gone) before it reports a timeout. */
const SETTLE_TIMEOUT_MS = 300_000;

export async function run(args: string[], { signal }: { signal: AbortSignal }): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      servers: { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '16' },
      'fake-delay-ms': { type: 'string', default: '0' },
      flavor: { type: 'string', default: '42' },
      probe: { type: 'string', default: '50' },
      'database-url': { type: 'string' },
    },
  });
  const whole = (name: 'servers' | 'concurrency' | 'fake-delay-ms' | 'probe', min: number) => {
    const n = Number(values[name]);
    if (!(n >= min) || !Number.isInteger(n))
      throw new Error(`--${name} must be a whole number >= ${min}, not ${values[name]}`);
    return n;
  };
  const [count, concurrency, fakeDelayMs, probe] = [
    whole('servers', 1),
    whole('concurrency', 1),
    whole('fake-delay-ms', 0),
    whole('probe', 0),
  ];
  const say = (msg: string) => console.error(`bench: ${msg}`);
  const [loadAverage] = loadavg();

  const dataDir = await mkdtemp(join(tmpdir(), 'strata-bench-compute-'));
  const untrackDir = trackDir(dataDir);
  const adminPassword = `bench-${randomBytes(9).toString('base64url')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STRATA_ADMIN_PASSWORD: adminPassword,
    STRATA_COMPUTE__FAKE_DELAY_MS: String(fakeDelayMs),
    STRATA_DRIVERS: 'fake',
  };
  const database = values['database-url'] ? await scratchDatabase(values['database-url']) : undefined;
  if (database) env.STRATA_DATABASE__URL = database.url;
  let server: ServerProcess | undefined;
  try {
    const config = await loadConfig({ dataDir, env });
    say('starting strata');
    server = await startServer({ dataDir, port: await freePort(), env, signal });
    const token = await issueToken(server.url, passwordAuthBody(config.admin.user, adminPassword, ADMIN_SCOPE));
    const sockets = Math.max(concurrency, 4);
    const compute = apiClient(server.url, '/compute/v2.1', token, sockets, signal);
    const image = apiClient(server.url, '/image', token, 2, signal);
    const network = apiClient(server.url, '/networking', token, 2, signal);
    const identity = apiClient(server.url, '/identity/v3', token, 2, signal);
    // The agent reports its host within a heartbeat of start-up; a boot before that has nowhere to go.
    await settle(
      async () => {
        const res = await compute.call('GET', '/os-hypervisors', undefined);
        return res.status === 404 || res.body?.hypervisors?.length > 0;
      },
      performance.now(),
      30_000,
    );
    const idleMiB = rssMiB(server.pid);
    const spec = await prepareBench(
      { compute, image, network },
      await projectId(identity, config.admin.project),
      values.flavor!,
    );

    // One create at a time first: the request's own cost, without queueing behind 15 others and the builds.
    say(`creating ${probe} servers one at a time`);
    const single = await createServers(compute, probe, 1, spec);
    await settle(async () => (await countWithStatus(compute, 'BUILD')) === 0, performance.now(), SETTLE_TIMEOUT_MS);
    await deleteServers(compute, single.ids, concurrency);
    await settle(async () => (await countWithStatus(compute)) === 0, performance.now(), SETTLE_TIMEOUT_MS);

    say(`creating ${count} servers, ${concurrency} at a time`);
    const cpu0 = cpuMs(server.pid);
    const began = performance.now();
    const created = await createServers(compute, count, concurrency, spec);
    say(`${created.ids.length} accepted in ${(created.wallMs / 1000).toFixed(1)} s; waiting until none is in BUILD`);
    const settled = await settle(async () => (await countWithStatus(compute, 'BUILD')) === 0, began, SETTLE_TIMEOUT_MS);
    const serverCpuMsPerBoot = (cpuMs(server.pid) - cpu0) / Math.max(1, created.ids.length);
    const active = await countWithStatus(compute, 'ACTIVE');
    const error = await countWithStatus(compute, 'ERROR');
    const afterBootMiB = rssMiB(server.pid);

    say(`listing ${active} servers`);
    const listDetail = await timeList(compute, '/servers/detail', 'servers');
    const listIds = await timeList(compute, '/servers', 'servers');

    say(`deleting ${created.ids.length} servers, ${concurrency} at a time`);
    const delBegan = performance.now();
    const del = await deleteServers(compute, created.ids, concurrency);
    const gone = await settle(async () => (await countWithStatus(compute)) === 0, delBegan, SETTLE_TIMEOUT_MS);
    for (const c of [compute, image, network, identity]) c.close();

    const partial: Omit<ComputeBenchResult, 'targets'> = {
      machine: machineFacts(loadAverage),
      loadAverageAfter: loadavg()[0],
      database: config.database.url || database ? 'PostgreSQL' : 'SQLite',
      servers: count,
      fakeDelayMs,
      create: summarize(created),
      createSingle: summarize(single),
      allActiveMs: settled.ms,
      active,
      error,
      listDetail,
      listIds,
      del: summarize(del),
      allGoneMs: gone.ms,
      rss: { idleMiB, afterBootMiB, highWaterMiB: peakRssMiB(server.pid) },
      serverCpuMsPerBoot,
    };
    const result: ComputeBenchResult = { ...partial, targets: judge(partial) };
    console.log(values.json ? JSON.stringify(result, null, 2) : renderReport(result));
  } finally {
    await server?.stop();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
    untrackDir();
  }
}

function summarize(r: RequestRun): RunSummary {
  return {
    concurrency: r.concurrency,
    latency: spread(r.latencies),
    perS: (1000 * r.latencies.length) / r.wallMs,
    failures: r.failures,
    wallMs: r.wallMs,
  };
}
