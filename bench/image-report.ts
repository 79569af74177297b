import type { HashCost } from './image-hash-cost.ts';
import type { MeasuredTransfer } from './image-measure.ts';
import { type ClientKind, median } from './image-transfer.ts';
import { fmt, formatTable } from './table.ts';

/** OpenStack Glance (Zed) on this machine, from /work/shared/reference/baseline-glance.md (1 GiB, curl). */
export const GLANCE = { uploadMBps: 142.1, downloadMBps: 2202, rssMiB: 430 } as const;

/** The targets: within 90% of what loopback plus disk allow, and under 100 MB of RSS growth. */
const RATIO = 0.9;
const GROWTH_MIB = 100e6 / 2 ** 20;

export type Series = 'referenceUpload' | 'referenceUploadToDisk' | 'referenceDownload' | 'upload' | 'download';

export interface ImageBenchResult {
  /** loadAverage is the 1-minute load before the bench began: other work on these cores skews every figure. */
  machine: { cores: number; cpu: string; node: string; memoryMiB: number; loadAverage: number };
  database: string;
  sizeBytes: number;
  hashes: HashCost;
  /** Best of two runs of each client against the reference server (MB/s); the faster one drives everything. */
  clients: { upload: Record<ClientKind, number>; download: Record<ClientKind, number> };
  chosen: { upload: ClientKind; download: ClientKind };
  runs: Record<Series, MeasuredTransfer[]>;
  rss: { idleMiB?: number; settledAfterMiB?: number; highWaterMiB?: number };
  integrity: { ok: boolean; detail: string };
  targets: Target[];
}

export interface Target {
  what: string;
  goal: string;
  measured: string;
  met: boolean;
}

export const medianMBps = (runs: MeasuredTransfer[]) => median(runs.map((r) => r.mbps));
const growth = (r: MeasuredTransfer) => r.rss.peakMiB - r.rss.beforeMiB;

export function judge(r: Omit<ImageBenchResult, 'targets'>): Target[] {
  const up = medianMBps(r.runs.upload);
  const down = medianMBps(r.runs.download);
  const refUp = medianMBps(r.runs.referenceUpload);
  const refDown = medianMBps(r.runs.referenceDownload);
  const maxGrowth = Math.max(...[...r.runs.upload, ...r.runs.download].map(growth));
  const peak = Math.max(...[...r.runs.upload, ...r.runs.download].map((x) => x.rss.peakMiB));
  const ratio = (what: string, ours: number, ref: number): Target => ({
    what,
    goal: `>= ${RATIO * 100}% of loopback reference`,
    measured: `${fmt(ours)} / ${fmt(ref)} MB/s = ${fmt((100 * ours) / ref)}%`,
    met: ours >= RATIO * ref,
  });
  const ahead = (what: string, ours: number, theirs: number): Target => ({
    what,
    goal: `> Glance ${theirs} MB/s`,
    measured: `${fmt(ours)} MB/s = ${fmt(ours / theirs)}x`,
    met: ours > theirs,
  });
  return [
    ratio('upload', up, refUp),
    ratio('download', down, refDown),
    {
      what: 'server RSS growth per transfer',
      goal: `< 100 MB (${fmt(GROWTH_MIB)} MiB)`,
      measured: `largest ${fmt(maxGrowth)} MiB`,
      met: maxGrowth < GROWTH_MIB,
    },
    { what: 'data round trip', goal: 'hashes match the file', measured: r.integrity.detail, met: r.integrity.ok },
    ahead('upload vs Glance', up, GLANCE.uploadMBps),
    ahead('download vs Glance', down, GLANCE.downloadMBps),
    {
      what: 'peak RSS vs Glance',
      goal: `< Glance ~${GLANCE.rssMiB} MiB (3 processes)`,
      measured: `${fmt(peak)} MiB`,
      met: peak < GLANCE.rssMiB,
    },
  ];
}

const LABELS: Record<Series, string> = {
  referenceUpload: 'reference: PUT to a sink',
  referenceUploadToDisk: 'reference: PUT to a file',
  referenceDownload: 'reference: GET from a file',
  upload: 'strata: PUT /file',
  download: 'strata: GET /file',
};

/** Other work on the machine above this (% of one core) marks a run as disturbed. */
const BUSY_PCT = 15;

export function renderReport(r: ImageBenchResult): string {
  const m = r.machine;
  const mib = r.sizeBytes / 2 ** 20;
  const c = r.clients;
  const out = [
    `Strata image bench: ${m.cores} cores (${m.cpu}), ${m.memoryMiB} MiB, Node ${m.node}; database ${r.database}`,
    `Load average before the bench: ${fmt(m.loadAverage)}${m.loadAverage > 0.5 ? ' (the machine was busy: figures are pessimistic)' : ''}`,
    `File: ${fmt(mib)} MiB of random data, page-cache warm. MB/s = 10^6 bytes/s, first byte to last.`,
    'Client (this process), reference server and Strata are separate processes on loopback sharing these cores.',
    `Client pick, best of 2 against the reference (MB/s): upload ${picks(c.upload)} -> ${r.chosen.upload}; ` +
      `download ${picks(c.download)} -> ${r.chosen.download}`,
    `Hashing on one core (MB/s): md5 ${fmt(r.hashes.md5MBps)}, sha512 ${fmt(r.hashes.sha512MBps)}; an upload must ` +
      `do both: ceiling ${fmt(r.hashes.serialMBps)} on one thread, ${fmt(r.hashes.parallelMBps)} on two cores.`,
    '',
  ];
  const rows = (Object.keys(LABELS) as Series[]).flatMap((series) =>
    r.runs[series].map((x, i) => [
      x.otherCpuPct > BUSY_PCT ? `${LABELS[series]} *` : LABELS[series],
      String(i + 1),
      fmt(x.mbps),
      fmt(x.ms / 1000),
      `${fmt(x.serverCpuPct)}%`,
      `${fmt(x.clientCpuPct)}%`,
      `${fmt(x.otherCpuPct)}%`,
      `${fmt(x.rss.beforeMiB)} / ${fmt(x.rss.peakMiB)} / ${fmt(x.rss.afterMiB)}`,
    ]),
  );
  out.push(
    formatTable(
      ['transfer', 'run', 'MB/s', 's', 'server CPU', 'client CPU', 'other CPU', 'server RSS MiB before/peak/after'],
      rows,
    ),
    `CPU columns are % of one core over the transfer; "server" is the reference server in its rows.`,
    ...(Object.values(r.runs)
      .flat()
      .some((x) => x.otherCpuPct > BUSY_PCT)
      ? [`* other processes (tests, kernel writeback) used more than ${BUSY_PCT}% of a core during this run`]
      : []),
    '',
    formatTable(
      ['median MB/s', 'strata', 'reference', 'ratio', 'Glance', 'vs Glance'],
      [
        row('upload', medianMBps(r.runs.upload), medianMBps(r.runs.referenceUpload), GLANCE.uploadMBps),
        row('upload (ref. writes file)', medianMBps(r.runs.upload), medianMBps(r.runs.referenceUploadToDisk)),
        row('upload (ref. hash ceiling)', medianMBps(r.runs.upload), r.hashes.parallelMBps),
        row('download', medianMBps(r.runs.download), medianMBps(r.runs.referenceDownload), GLANCE.downloadMBps),
      ],
    ),
    '',
    `Strata RSS: idle ${fmt(r.rss.idleMiB)} MiB before the transfers, ${fmt(r.rss.settledAfterMiB)} MiB 1 s after, ` +
      `VmHWM ${fmt(r.rss.highWaterMiB)} MiB; Glance ~${GLANCE.rssMiB} MiB (parent + 2 workers), flat during upload.`,
    '',
    formatTable(
      ['target', 'goal', 'measured', ''],
      r.targets.map((t) => [t.what, t.goal, t.measured, t.met ? 'ok' : 'MISSED']),
      4,
    ),
  );
  return out.join('\n');
}

function picks(r: Record<ClientKind, number>): string {
  return Object.entries(r)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');
}

function row(what: string, ours: number, ref: number, glance?: number): string[] {
  return [
    what,
    fmt(ours),
    fmt(ref),
    `${fmt((100 * ours) / ref)}%`,
    glance === undefined ? '' : fmt(glance),
    glance === undefined ? '' : `${fmt(ours / glance)}x`,
  ];
}
