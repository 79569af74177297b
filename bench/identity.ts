/**
 * `npm run bench -- identity [--json] [--duration <s>]`: Identity's figures from the performance issue.
 * Starts `strata start` as its own process on a temporary data directory (twice: new, then existing, which
 * gives the two start-up times), seeds it over HTTP, then drives each scenario at concurrency 1, 8 and 32
 * from a separate autocannon process. Prints figures and how they stand against the targets; missing a
 * target is not an error.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ADMIN_SCOPE } from '../scripts/identity-client.ts';
import { loadConfig } from '../src/core/config.ts';
import { type IdentityBenchResult, judge, type Row, renderReport, type Startup } from './identity-report.ts';
import { CONCURRENCIES, identityScenarios } from './identity-scenarios.ts';
import { issueToken, passwordAuthBody, seedProjects, seedUser } from './identity-seed.ts';
import { runLoad } from './load-generator.ts';
import { machineFacts } from './machine.ts';
import { cpuMs, machineBusyMs, peakRssMiB, rssMiB, sampleRss } from './proc-stats.ts';
import { measureScrypt } from './scrypt-cost.ts';
import { freePort, type ServerProcess, startServer } from './server-process.ts';
import { trackDir } from './teardown.ts';

const PROJECTS = 100;

export async function run(args: string[], { signal }: { signal: AbortSignal }): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, duration: { type: 'string', default: '5' } },
  });
  const durationS = Number(values.duration);
  if (!(durationS > 0)) throw new Error(`--duration must be a positive number of seconds, not ${values.duration}`);
  const say = (msg: string) => console.error(`bench: ${msg}`);
  const [loadAverage] = loadavg();

  const dataDir = await mkdtemp(join(tmpdir(), 'strata-bench-'));
  const untrackDir = trackDir(dataDir);
  const adminPassword = `bench-${randomBytes(9).toString('base64url')}`;
  const env = { ...process.env, STRATA_ADMIN_PASSWORD: adminPassword };
  const servers: ServerProcess[] = [];
  try {
    // The same configuration the server will load (environment overrides included), for its scrypt cost.
    const config = await loadConfig({ dataDir, env });
    say(
      `timing one scrypt hash (N=${config.identity.scrypt.N} r=${config.identity.scrypt.r} p=${config.identity.scrypt.p})`,
    );
    const scrypt = await measureScrypt(config.identity.scrypt);

    const adminLogin = passwordAuthBody(config.admin.user, adminPassword, ADMIN_SCOPE);
    const boot = async (kind: Startup['dataDir']) => {
      say(`starting strata on ${kind === 'new' ? 'a new' : 'the existing'} data directory`);
      const server = await startServer({ dataDir, port: await freePort(), env, signal });
      servers.push(server);
      const token = await issueToken(server.url, adminLogin);
      const startup: Startup = {
        dataDir: kind,
        spawnToBannerMs: server.bannerAt - server.spawnedAt,
        reportedMs: server.reportedMs,
        spawnToFirstTokenMs: performance.now() - server.spawnedAt,
      };
      // Let start-up garbage settle before calling the footprint idle.
      await new Promise((r) => setTimeout(r, 1000));
      return { server, token, startup, idleMiB: rssMiB(server.pid) };
    };

    const first = await boot('new');
    await first.server.stop();
    const { server, token: adminToken, startup: again, idleMiB } = await boot('existing');

    say('seeding: a plain user and 100 projects');
    const user = await seedUser(server.url, adminToken, adminPassword);
    const userToken = await issueToken(server.url, passwordAuthBody(user.name, user.password, ADMIN_SCOPE));
    const projects = await seedProjects(server.url, adminToken, PROJECTS);

    const scenarios = identityScenarios({ base: server.url, adminToken, user, userToken }, durationS);
    const rows: Row[] = [];
    const skipped: IdentityBenchResult['skipped'] = [];
    const wholeRun = sampleRss(server.pid);
    for (const sc of scenarios) {
      if (sc.id === 'project-list' && 'skipped' in projects) {
        skipped.push({ scenario: sc.id, why: projects.skipped });
        continue;
      }
      await runLoad(sc.warmUp, { signal });
      for (const c of CONCURRENCIES) {
        say(`${sc.label} at c=${c}`);
        const cpuBefore = cpuMs(server.pid);
        const busyBefore = machineBusyMs();
        const rss = sampleRss(server.pid);
        const load = await runLoad(sc.spec(c), { signal });
        const serverCpu = cpuMs(server.pid) - cpuBefore;
        const busy = machineBusyMs() - busyBefore;
        const peakRss = rss.stop();
        const wallMs = load.durationS * 1000;
        rows.push({
          scenario: sc.id,
          label: sc.label,
          concurrency: c,
          load,
          serverCpuPct: (100 * serverCpu) / wallMs,
          serverCpuMsPerRequest: load.completed ? serverCpu / load.completed : Number.NaN,
          peakRssMiB: peakRss,
          generatorCpuPct: (100 * load.generatorCpuMs) / wallMs,
          // The generator process's start-up falls outside its own figure; it is small beside a run.
          otherCpuPct: Math.max(0, (100 * (busy - serverCpu - load.generatorCpuMs)) / wallMs),
        });
      }
    }
    const peakUnderLoadMiB = wholeRun.stop();
    const highWaterMiB = peakRssMiB(server.pid);

    const partial: Omit<IdentityBenchResult, 'targets'> = {
      machine: machineFacts(loadAverage),
      database: config.database.url ? 'PostgreSQL' : 'SQLite',
      scrypt,
      startup: [first.startup, again],
      rss: { idleMiB, idleNewDirMiB: first.idleMiB, peakUnderLoadMiB, highWaterMiB },
      subject: { user: user.name, kind: user.kind, why: user.why },
      projects,
      rows,
      skipped,
    };
    const result: IdentityBenchResult = { ...partial, targets: judge(partial) };
    console.log(values.json ? JSON.stringify(result, null, 2) : renderReport(result));
  } finally {
    for (const s of servers) await s.stop();
    await rm(dataDir, { recursive: true, force: true });
    untrackDir();
  }
}
