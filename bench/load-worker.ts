/**
 * The load generator's process: receives one LoadSpec over IPC, drives it with autocannon, sends back a
 * LoadResult and exits. It runs apart from the bench so its CPU and event loop never mix with the bench's
 * own bookkeeping, and apart from the server, which is what is being measured.
 */
import { createRequire } from 'node:module';
import type { LoadResult, LoadSpec } from './load-spec.ts';

interface AutocannonResult {
  '2xx': number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  start: Date;
  finish: Date;
}

interface AutocannonInstance {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}

type Autocannon = (
  opts: Record<string, unknown>,
  cb: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

// autocannon ships no type declarations; the two calls used here are typed above.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function run(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const cpuBefore = process.cpuUsage();
    const instance = autocannon(
      {
        url: spec.url,
        method: spec.method,
        headers: spec.headers,
        body: spec.body,
        connections: spec.connections,
        pipelining: 1,
        ...(spec.amount ? { amount: spec.amount } : { duration: spec.durationS ?? 5 }),
        timeout: spec.timeoutS ?? 30,
      },
      (err, res) => {
        if (err) return reject(err);
        const cpu = process.cpuUsage(cpuBefore);
        const durationS = (res.finish.getTime() - res.start.getTime()) / 1000;
        const failures: Record<string, number> = {};
        for (const [code, { count }] of Object.entries(res.statusCodeStats))
          if (!code.startsWith('2')) failures[code] = count;
        latencies.sort((a, b) => a - b);
        resolve({
          completed: res['2xx'] + Object.values(failures).reduce((a, b) => a + b, 0),
          ok: res['2xx'],
          failures,
          errors: res.errors,
          timeouts: res.timeouts,
          durationS,
          rps: durationS > 0 ? res['2xx'] / durationS : 0,
          p50: percentile(latencies, 0.5),
          p99: percentile(latencies, 0.99),
          max: latencies.at(-1) ?? Number.NaN,
          generatorCpuMs: (cpu.user + cpu.system) / 1000,
        });
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
  });
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

process.once('message', (spec: LoadSpec) => {
  run(spec).then(
    (result) => process.send!({ result }, () => process.exit(0)),
    (err: Error) => process.send!({ error: err.stack ?? err.message }, () => process.exit(1)),
  );
});
