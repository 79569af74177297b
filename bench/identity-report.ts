import type { ScenarioId } from './identity-scenarios.ts';
import type { LoadResult } from './load-spec.ts';
import type { ScryptCost } from './scrypt-cost.ts';
import { fmt, formatTable } from './table.ts';

export interface Row {
  scenario: ScenarioId;
  label: string;
  concurrency: number;
  load: LoadResult;
  /** Server process CPU (all threads) over the run, as % of one core; 100% = one core busy all the time. */
  serverCpuPct: number;
  serverCpuMsPerRequest: number;
  /** Largest server VmRSS sampled during this run, in MiB. */
  peakRssMiB: number;
  generatorCpuPct: number;
  /** Everything else the machine did meanwhile, as % of one core: well above 0, the figures are pessimistic. */
  otherCpuPct: number;
}

export interface Startup {
  dataDir: 'new' | 'existing';
  spawnToBannerMs: number;
  /** What `strata start` itself says in its banner (after Node has loaded the code). */
  reportedMs: number;
  spawnToFirstTokenMs: number;
}

export interface IdentityBenchResult {
  /** loadAverage is the 1-minute load before the bench began: other work on these cores skews every figure. */
  machine: { cores: number; cpu: string; node: string; memoryMiB: number; loadAverage: number };
  database: string;
  scrypt: ScryptCost;
  startup: Startup[];
  rss: { idleMiB?: number; idleNewDirMiB?: number; peakUnderLoadMiB?: number; highWaterMiB?: number };
  subject: { user: string; kind: 'member' | 'admin'; why?: string };
  projects: { listed: number } | { skipped: string };
  rows: Row[];
  skipped: { scenario: ScenarioId; why: string }[];
  targets: Target[];
}

export interface Target {
  what: string;
  goal: string;
  measured: string;
  /** undefined when there is nothing to judge (the row was skipped). */
  met?: boolean;
}

/** The targets from the issue, judged on what was measured. Missing a target is a finding, not a failure. */
export function judge(r: Omit<IdentityBenchResult, 'targets'>): Target[] {
  const rows = (s: ScenarioId, cs: number[]) => r.rows.filter((x) => x.scenario === s && cs.includes(x.concurrency));
  const best = (s: ScenarioId) =>
    rows(s, [8, 32]).reduce<Row | undefined>((a, b) => (a && a.load.rps >= b.load.rps ? a : b), undefined);
  const rate = (what: string, s: ScenarioId, min: number): Target => {
    const b = best(s);
    return {
      what,
      goal: `>= ${min} req/s at c=8 or 32`,
      measured: b ? `${fmt(b.load.rps)} req/s (c=${b.concurrency})` : 'not run',
      met: b ? b.load.rps >= min : undefined,
    };
  };
  const p99 = (what: string, s: ScenarioId): Target => {
    const [row] = rows(s, [8]);
    return {
      what,
      goal: 'p99 < 50 ms at c=8',
      measured: row ? `${fmt(row.load.p99)} ms` : 'not run',
      met: row ? row.load.p99 < 50 : undefined,
    };
  };
  const pw = rows('password-issue', [1, 8, 32]).reduce<Row | undefined>(
    (a, b) => (a && a.load.rps >= b.load.rps ? a : b),
    undefined,
  );
  const limit = r.scrypt.theoreticalPerS;
  const [fresh, existing] = [
    r.startup.find((s) => s.dataDir === 'new'),
    r.startup.find((s) => s.dataDir === 'existing'),
  ];
  return [
    rate('token validation', 'validate', 3000),
    p99('token validation', 'validate'),
    rate('project list', 'project-list', 1000),
    p99('project list', 'project-list'),
    rate('token issue by token', 'token-issue', 1000),
    {
      what: 'token issue by password',
      goal: `>= 80% of ${fmt(limit)}/s (cores / hash time)`,
      measured: pw
        ? `${fmt(pw.load.rps)} req/s = ${fmt((100 * pw.load.rps) / limit)}% (c=${pw.concurrency})`
        : 'not run',
      met: pw ? pw.load.rps >= 0.8 * limit : undefined,
    },
    {
      what: 'RSS idle',
      goal: '< 150 MiB',
      measured: `${fmt(r.rss.idleMiB)} MiB`,
      met: r.rss.idleMiB === undefined ? undefined : r.rss.idleMiB < 150,
    },
    {
      what: 'start-up, new data dir',
      goal: '< 3 s to first token',
      measured: fresh ? `${fmt(fresh.spawnToFirstTokenMs)} ms` : 'not run',
      met: fresh ? fresh.spawnToFirstTokenMs < 3000 : undefined,
    },
    {
      what: 'start-up, existing data dir',
      goal: '< 1.5 s to first token',
      measured: existing ? `${fmt(existing.spawnToFirstTokenMs)} ms` : 'not run',
      met: existing ? existing.spawnToFirstTokenMs < 1500 : undefined,
    },
  ];
}

/** Other work on the machine above this (% of one core) marks a row as disturbed. */
const BUSY_PCT = 15;

export function renderReport(r: IdentityBenchResult): string {
  const { scrypt: s, machine: m } = r;
  const out: string[] = [];
  out.push(
    `Strata identity bench: ${m.cores} cores (${m.cpu}), ${m.memoryMiB} MiB, Node ${m.node}; database ${r.database}`,
    `Load average before the bench: ${fmt(m.loadAverage)}${m.loadAverage > 0.5 ? ' (the machine was busy: figures are pessimistic)' : ''}`,
    'Server and load generator (autocannon) are separate processes on loopback and share these cores.',
    'CPU columns are % of one core over each run (100% = one core busy throughout); "other" is the rest of the machine' +
      (r.database === 'PostgreSQL' ? ', PostgreSQL included when it runs here.' : '.'),
    `Token subject: ${r.subject.user} (${r.subject.kind}${r.subject.why ? `: ${r.subject.why}` : ''}); ` +
      `projects: ${'listed' in r.projects ? `${r.projects.listed} listed` : r.projects.skipped}`,
    '',
    `scrypt N=${s.params.N} r=${s.params.r} p=${s.params.p}: one hash ${fmt(s.singleMs)} ms (fastest of 5); ` +
      `max password issue ${s.cores} cores / ${fmt(s.singleMs)} ms = ${fmt(s.theoreticalPerS)}/s ` +
      `(${s.cores * 2} hashes in parallel measured ${fmt(s.measuredParallelPerS)}/s)`,
    '',
  );
  const rows = r.rows.map((x) => [
    x.otherCpuPct > BUSY_PCT ? `${x.label} *` : x.label,
    String(x.concurrency),
    fmt(x.load.rps),
    fmt(x.load.p50),
    fmt(x.load.p99),
    String(x.load.ok),
    failures(x.load),
    `${fmt(x.serverCpuPct)}%`,
    fmt(x.serverCpuMsPerRequest),
    `${fmt(x.peakRssMiB)} MiB`,
    `${fmt(x.generatorCpuPct)}%`,
    `${fmt(x.otherCpuPct)}%`,
  ]);
  out.push(
    formatTable(
      [
        'scenario',
        'conc',
        'req/s',
        'p50 ms',
        'p99 ms',
        'ok',
        'failed',
        'server CPU',
        'CPU ms/req',
        'peak RSS',
        'loadgen CPU',
        'other CPU',
      ],
      rows,
    ),
    ...r.skipped.map((k) => `skipped ${k.scenario}: ${k.why}`),
    ...(r.rows.some((x) => x.otherCpuPct > BUSY_PCT)
      ? [`* other processes used more than ${BUSY_PCT}% of a core during this run (a local database counts)`]
      : []),
    '',
    `RSS (VmRSS of the server): idle ${fmt(r.rss.idleMiB)} MiB (first start ${fmt(r.rss.idleNewDirMiB)} MiB), ` +
      `peak sampled under load ${fmt(r.rss.peakUnderLoadMiB)} MiB, VmHWM ${fmt(r.rss.highWaterMiB)} MiB`,
  );
  for (const st of r.startup)
    out.push(
      `Start-up, ${st.dataDir} data dir: spawn to banner ${fmt(st.spawnToBannerMs)} ms ` +
        `(server says ${st.reportedMs} ms), spawn to first token ${fmt(st.spawnToFirstTokenMs)} ms`,
    );
  out.push(
    '',
    formatTable(
      ['target', 'goal', 'measured', ''],
      r.targets.map((t) => [t.what, t.goal, t.measured, t.met === undefined ? '-' : t.met ? 'ok' : 'MISSED']),
      4,
    ),
  );
  return out.join('\n');
}

function failures(l: LoadResult): string {
  const parts = Object.entries(l.failures).map(([code, n]) => `${n}x${code}`);
  if (l.errors) parts.push(`${l.errors} errors`);
  if (l.timeouts) parts.push(`${l.timeouts} timeouts`);
  return parts.join(' ') || '0';
}
