/**
 * `npm run bench -- network [--json] [--ports <n>] [--parallel <n>] [--concurrency <c>] [--duration <s>]
 * [--database-url <postgres://…>] [--cpu-prof <dir>]`: Networking's figures from issue 4 (item 5).
 * Starts `strata start` as its own process on a temporary data directory, makes a network with a /18 subnet,
 * creates --ports ports one after the other timing each (the lists are timed at 2,000 ports, Neutron's
 * baseline size, and at the end), then --parallel more with --concurrency in flight, 100 at once on a /25 (as
 * Neutron's baseline did), checks no address was handed out twice, and loads GET /v2.0/networks with autocannon.
 * Prints every figure against its target and against Neutron Zed's; missing a target is not an error.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ADMIN_SCOPE } from '../scripts/identity-client.ts';
import { loadConfig } from '../src/core/config.ts';
import { issueToken, passwordAuthBody } from './identity-seed.ts';
import { runLoad } from './load-generator.ts';
import { machineFacts } from './machine.ts';
import { neutronClient } from './network-client.ts';
import { type CreateRun, createPorts, duplicateIps, p50ByWindow, summarize } from './network-creates.ts';
import { addressesOn, type ListTiming, timePortLists } from './network-lists.ts';
import { judge, type NetworkBenchResult, renderReport } from './network-report.ts';
import { makeNetwork, scratchDatabase, unlimitedPorts } from './network-setup.ts';
import { cpuMs, machineBusyMs, peakRssMiB, rssMiB } from './proc-stats.ts';
import { freePort, type ServerProcess, startServer } from './server-process.ts';
import { trackDir } from './teardown.ts';

const CIDR = '10.64.0.0/18';
const BURST_CIDR = '10.65.0.0/25';
/** Neutron's baseline listed a network of 2,000 ports: the like-for-like list is timed there. */
const BASELINE_PORTS = 2000;
const CONCURRENCIES = [1, 8, 32] as const;

export async function run(args: string[], { signal }: { signal: AbortSignal }): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      ports: { type: 'string', default: '10000' },
      parallel: { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '8' },
      duration: { type: 'string', default: '5' },
      'database-url': { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  const count = (name: 'ports' | 'parallel' | 'concurrency' | 'duration') => {
    const n = Number(values[name]);
    if (!(n > 0) || !Number.isInteger(n)) throw new Error(`--${name} must be a whole number >= 1, not ${values[name]}`);
    return n;
  };
  const [ports, parallel, concurrency, durationS] = [
    count('ports'),
    count('parallel'),
    count('concurrency'),
    count('duration'),
  ];
  const say = (msg: string) => console.error(`bench: ${msg}`);
  const [loadAverage] = loadavg();

  const dataDir = await mkdtemp(join(tmpdir(), 'strata-bench-network-'));
  const untrackDir = trackDir(dataDir);
  const adminPassword = `bench-${randomBytes(9).toString('base64url')}`;
  // The fakes: the bench measures the API, not a machine's dataplane.
  const env: NodeJS.ProcessEnv = { ...process.env, STRATA_ADMIN_PASSWORD: adminPassword, STRATA_DRIVERS: 'fake' };
  const database = values['database-url'] ? await scratchDatabase(values['database-url']) : undefined;
  if (database) env.STRATA_DATABASE__URL = database.url;
  if (values['cpu-prof']) {
    // Written when the server exits (it exits cleanly on SIGTERM): open it in Chrome DevTools or speedscope.
    const dir = resolve(values['cpu-prof']);
    await mkdir(dir, { recursive: true });
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${dir}`.trim();
  }
  let server: ServerProcess | undefined;
  try {
    const config = await loadConfig({ dataDir, env });
    say('starting strata');
    server = await startServer({ dataDir, port: await freePort(), env, signal });
    const token = await issueToken(server.url, passwordAuthBody(config.admin.user, adminPassword, ADMIN_SCOPE));
    const client = neutronClient(server.url, token, Math.max(concurrency, 100), signal);
    await new Promise((r) => setTimeout(r, 1000));
    const idleMiB = rssMiB(server.pid);

    const net = await makeNetwork(client, 'bench-net', CIDR);
    await unlimitedPorts(client, net.projectId);

    const lists: { at: number; full: ListTiming; idName: ListTiming }[] = [];
    const sequentialRuns: CreateRun[] = [];
    let createCpuMs = 0;
    // What the rest of the machine (Tempest, other tests) took meanwhile: a busy machine inflates every figure.
    const watch = { at: performance.now(), busy: machineBusyMs(), server: cpuMs(server.pid), self: process.cpuUsage() };
    for (const [from, to] of [
      [0, Math.min(BASELINE_PORTS, ports)],
      [Math.min(BASELINE_PORTS, ports), ports],
    ]) {
      if (to <= from) continue;
      say(`creating ports ${from + 1}..${to} one at a time`);
      const cpu0 = cpuMs(server.pid);
      sequentialRuns.push(await createPorts(client, net.networkId, to - from, 1, `seq-${from}`));
      createCpuMs += cpuMs(server.pid) - cpu0;
      say(`listing ${to} ports`);
      lists.push({ at: to, ...(await timePortLists(client, net.networkId)) });
    }
    const sequential = joinRuns(sequentialRuns);
    const serverCpuMsPerCreate = createCpuMs / Math.max(1, sequential.latencies.length);
    const selfCpu = process.cpuUsage(watch.self);
    const otherMs =
      machineBusyMs() - watch.busy - (cpuMs(server.pid) - watch.server) - (selfCpu.user + selfCpu.system) / 1000;
    const otherCpuPct = Math.max(0, (100 * otherMs) / (performance.now() - watch.at));

    say(`creating ${parallel} more ports, ${concurrency} at a time`);
    const parallelRun = await createPorts(client, net.networkId, parallel, concurrency, 'par');
    const afterCreatesMiB = rssMiB(server.pid);
    const addresses = await addressesOn(client, net.networkId);

    say(`creating 100 ports at once on a ${BURST_CIDR}`);
    const small = await makeNetwork(client, 'bench-burst', BURST_CIDR);
    const burst = await createPorts(client, small.networkId, 100, 100, 'burst');
    const burstAddresses = await addressesOn(client, small.networkId);

    const networks: NetworkBenchResult['networks'] = [];
    const spec = {
      url: `${server.url}/networking/v2.0/networks`,
      method: 'GET' as const,
      headers: { 'x-auth-token': token },
    };
    await runLoad({ ...spec, connections: 8, durationS: 1 }, { signal });
    for (const c of CONCURRENCIES) {
      say(`GET /v2.0/networks at c=${c}`);
      networks.push({ concurrency: c, load: await runLoad({ ...spec, connections: c, durationS }, { signal }) });
    }
    client.close();

    const partial: Omit<NetworkBenchResult, 'targets'> = {
      machine: machineFacts(loadAverage),
      loadAverageAfter: loadavg()[0],
      database: config.database.url || database ? 'PostgreSQL' : 'SQLite',
      cidr: CIDR,
      sequential: summarize(sequential),
      p50ByThousand: p50ByWindow(sequential.latencies, 1000),
      parallel: summarize(parallelRun),
      burst: { ...summarize(burst), cidr: BURST_CIDR },
      duplicates: {
        network: duplicateIps(addresses),
        burst: duplicateIps(burstAddresses),
        addresses: addresses.length + burstAddresses.length,
      },
      lists,
      networks,
      rss: { idleMiB, afterCreatesMiB, afterListsMiB: rssMiB(server.pid), highWaterMiB: peakRssMiB(server.pid) },
      serverCpuMsPerCreate,
      otherCpuPct,
    };
    const result: NetworkBenchResult = { ...partial, targets: judge(partial) };
    console.log(values.json ? JSON.stringify(result, null, 2) : renderReport(result));
  } finally {
    await server?.stop();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
    untrackDir();
  }
}

/** Consecutive runs of sequential creates as one. */
function joinRuns(runs: CreateRun[]): CreateRun {
  const failures: Record<string, number> = {};
  for (const r of runs) for (const [k, n] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + n;
  return {
    concurrency: 1,
    latencies: runs.flatMap((r) => r.latencies),
    ips: runs.flatMap((r) => r.ips),
    failures,
    wallMs: runs.reduce((a, r) => a + r.wallMs, 0),
  };
}
