import type { LoadResult } from './load-spec.ts';
import type { MachineFacts } from './machine.ts';
import type { CreateSummary, Spread } from './network-creates.ts';
import type { ListTiming } from './network-lists.ts';
import { fmt, formatTable } from './table.ts';

/** OpenStack Neutron (Zed) on this kind of machine, from /work/shared/reference/baseline-neutron.md. */
export const NEUTRON = {
  createP50Ms: 278,
  createP99Ms: 732,
  sequentialPortsPerS: 3.13,
  parallel8PortsPerS: 2.41,
  /** GET /v2.0/ports?network_id= with 2,000 ports: full, and fields=id&fields=name. */
  list2000Ms: 1250,
  list2000IdNameMs: 990,
  networksReqPerS: 13,
} as const;

/** The targets: create p50 under 5 ms, a 10,000-port list under 300 ms, each at least 5x Neutron. */
const CREATE_P50_MS = 5;
const LIST_MS = 300;
const FACTOR = 5;
/** How many ports Neutron's list figures were measured with. */
const BASELINE = 2000;

export interface NetworkBenchResult {
  machine: MachineFacts;
  /** One-minute load average when the bench ended (Tempest may share the machine). */
  loadAverageAfter: number;
  database: string;
  cidr: string;
  sequential: CreateSummary;
  /** p50 of each window of 1,000 sequential creates, in order: growth here means a create scans the ports. */
  p50ByThousand: number[];
  parallel: CreateSummary;
  burst: CreateSummary & { cidr: string };
  duplicates: { network: number; burst: number; addresses: number };
  lists: { at: number; full: ListTiming; idName: ListTiming }[];
  networks: { concurrency: number; load: LoadResult }[];
  rss: { idleMiB?: number; afterCreatesMiB?: number; afterListsMiB?: number; highWaterMiB?: number };
  /** Server CPU per sequential create, ms (all threads). */
  serverCpuMsPerCreate: number;
  /** Other processes' CPU during the sequential creates and lists, % of one core. */
  otherCpuPct: number;
  targets: Target[];
}

export interface Target {
  what: string;
  strata: string;
  goal: string;
  neutron: string;
  /** Neutron's figure over Strata's (or Strata's over Neutron's for rates): how many times faster. */
  factor: string;
  met: boolean;
}

const times = (x: number) => `${fmt(x)}x`;

export function judge(r: Omit<NetworkBenchResult, 'targets'>): Target[] {
  const seq = r.sequential.latency;
  const faster = (what: string, ms: number, theirs: number, extra?: number): Target => ({
    what,
    strata: `${fmt(ms)} ms`,
    goal: extra === undefined ? `<= ${fmt(theirs / FACTOR)} ms (5x)` : `< ${extra} ms and 5x`,
    neutron: `${fmt(theirs)} ms`,
    factor: times(theirs / ms),
    met: theirs / ms >= FACTOR && (extra === undefined || ms < extra),
  });
  // Judged on the absolute goal only: Neutron has no figure at this size (its 2,000-port one is shown).
  const under = (what: string, ms: number, limit: number, theirs2000: number): Target => ({
    what,
    strata: `${fmt(ms)} ms`,
    goal: `< ${limit} ms`,
    neutron: `${fmt(theirs2000)} ms at ${BASELINE}`,
    factor: times(theirs2000 / ms),
    met: ms < limit,
  });
  const rate = (what: string, ours: number, theirs: number, unit: string): Target => ({
    what,
    strata: `${fmt(ours)} ${unit}`,
    goal: `>= ${fmt(theirs * FACTOR)} (5x)`,
    neutron: `${fmt(theirs)} ${unit}`,
    factor: times(ours / theirs),
    met: ours / theirs >= FACTOR,
  });
  const best = r.networks.reduce((a, b) => (b.load.rps > a.load.rps ? b : a), r.networks[0]);
  const dup = r.duplicates.network + r.duplicates.burst;
  return [
    faster('port create p50 (sequential)', seq.p50, NEUTRON.createP50Ms, CREATE_P50_MS),
    faster('port create p99 (sequential)', seq.p99, NEUTRON.createP99Ms),
    rate('port creates/s, sequential', r.sequential.portsPerS, NEUTRON.sequentialPortsPerS, 'ports/s'),
    rate(
      `port creates/s, ${r.parallel.concurrency} parallel`,
      r.parallel.portsPerS,
      NEUTRON.parallel8PortsPerS,
      'ports/s',
    ),
    ...r.lists.flatMap((l) => {
      const last = l === r.lists.at(-1);
      // Neutron's lists are of 2,000 ports: like for like there; the 300 ms goal is for the last (10,000) list.
      if (l.full.items === BASELINE)
        return [
          faster(`list ${l.full.items} ports`, l.full.medianMs, NEUTRON.list2000Ms, last ? LIST_MS : undefined),
          faster(`list ${l.idName.items}, fields=id,name`, l.idName.medianMs, NEUTRON.list2000IdNameMs),
        ];
      if (!last) return [];
      return [
        under(`list ${l.full.items} ports`, l.full.medianMs, LIST_MS, NEUTRON.list2000Ms),
        under(`list ${l.idName.items}, fields=id,name`, l.idName.medianMs, LIST_MS, NEUTRON.list2000IdNameMs),
      ];
    }),
    rate(`GET /v2.0/networks (best, c=${best?.concurrency})`, best?.load.rps ?? 0, NEUTRON.networksReqPerS, 'req/s'),
    {
      what: 'duplicate IPs',
      strata: `${dup} of ${r.duplicates.addresses}`,
      goal: '0',
      neutron: '0',
      factor: '',
      met: dup === 0,
    },
  ];
}

const spreadCells = (s: Spread) => [String(s.n), fmt(s.p50), fmt(s.p90), fmt(s.p99), fmt(s.max), fmt(s.mean)];

function failures(run: CreateSummary): string {
  return (
    Object.entries(run.failures)
      .map(([k, n]) => `${n}x ${k}`)
      .join(', ') || '0'
  );
}

export function renderReport(r: NetworkBenchResult): string {
  const m = r.machine;
  const busy = (l: number) => (l > 0.5 ? ' (busy: figures are pessimistic)' : '');
  const out = [
    `Strata network bench: ${m.cores} cores (${m.cpu}), ${m.memoryMiB} MiB, Node ${m.node}; database ${r.database}`,
    `Load average: ${fmt(m.loadAverage)} before${busy(m.loadAverage)}, ${fmt(r.loadAverageAfter)} after${busy(r.loadAverageAfter)}`,
    'Server and client are separate processes on loopback sharing these cores; keep-alive connections.',
    `Other processes${r.database === 'PostgreSQL' ? ' (PostgreSQL included)' : ''} used ${fmt(r.otherCpuPct)}% ` +
      'of a core during the sequential creates and lists' +
      (r.otherCpuPct > 15 && r.database !== 'PostgreSQL'
        ? ': another workload shared the machine (pessimistic).'
        : '.'),
    '',
    formatTable(
      ['port create (POST /v2.0/ports)', 'n', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'mean ms', 'ports/s', 'failed'],
      [
        [
          `sequential, /${r.cidr.split('/')[1]}`,
          ...spreadCells(r.sequential.latency),
          fmt(r.sequential.portsPerS),
          failures(r.sequential),
        ],
        [
          `${r.parallel.concurrency} parallel, same network`,
          ...spreadCells(r.parallel.latency),
          fmt(r.parallel.portsPerS),
          failures(r.parallel),
        ],
        [
          `${r.burst.concurrency} at once, ${r.burst.cidr}`,
          ...spreadCells(r.burst.latency),
          fmt(r.burst.portsPerS),
          failures(r.burst),
        ],
      ],
    ),
    `Sequential p50 per 1,000 creates: ${r.p50ByThousand.map((x) => fmt(x)).join(', ')} ms; server CPU ${fmt(r.serverCpuMsPerCreate)} ms per create.`,
    `Duplicate IPs: ${r.duplicates.network} among ${r.duplicates.addresses} addresses on the big network, ${r.duplicates.burst} in the burst.`,
    '',
    formatTable(
      ['GET /v2.0/ports?network_id=', 'ports', 'median ms', 'min ms', 'max ms', 'bytes'],
      r.lists.flatMap((l) =>
        [l.full, l.idName].map((t, i) => [
          i === 0 ? 'full' : 'fields=id&fields=name',
          String(t.items),
          fmt(t.medianMs),
          fmt(Math.min(...t.runs)),
          fmt(Math.max(...t.runs)),
          String(t.bytes),
        ]),
      ),
    ),
    '',
    formatTable(
      ['GET /v2.0/networks', 'req/s', 'p50 ms', 'p99 ms', 'ok', 'non-2xx/errors'],
      r.networks.map(({ concurrency, load }) => [
        `c=${concurrency}`,
        fmt(load.rps),
        fmt(load.p50),
        fmt(load.p99),
        String(load.ok),
        String(Object.values(load.failures).reduce((a, b) => a + b, 0) + load.errors + load.timeouts),
      ]),
    ),
    '',
    `Server RSS: idle ${fmt(r.rss.idleMiB)} MiB, after creates ${fmt(r.rss.afterCreatesMiB)} MiB, after lists ` +
      `${fmt(r.rss.afterListsMiB)} MiB, VmHWM ${fmt(r.rss.highWaterMiB)} MiB (Neutron: 1,811 MiB API + 189 MiB MariaDB)`,
    '',
    formatTable(
      ['figure', 'strata', 'goal', 'Neutron Zed', 'vs Neutron', ''],
      r.targets.map((t) => [t.what, t.strata, t.goal, t.neutron, t.factor, t.met ? 'ok' : 'MISSED']),
    ),
    "Neutron's lists are of 2,000 ports (its baseline did not reach 10,000): the larger list is judged on 300 ms alone.",
  ];
  return out.join('\n');
}
