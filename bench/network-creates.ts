import type { NeutronClient } from './network-client.ts';

/** Latency percentiles of a series of requests, in ms (nearest rank). */
export interface Spread {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function spread(ms: readonly number[]): Spread {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : Number.NaN);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : Number.NaN;
  return { n: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s.at(-1) ?? Number.NaN, mean };
}

/** What a run of port creates gave: each latency in creation order, the addresses handed out, the failures. */
export interface CreateRun {
  concurrency: number;
  latencies: number[];
  ips: string[];
  /** Status (or error message) -> count, for every answer that was not 201. */
  failures: Record<string, number>;
  wallMs: number;
}

/**
 * POSTs `count` ports on one network, `concurrency` requests in flight at a time (1: one after the other), each
 * a plain `{"port": {"network_id", "name"}}` as a client with no opinion on addresses sends.
 */
export async function createPorts(
  client: NeutronClient,
  networkId: string,
  count: number,
  concurrency: number,
  namePrefix: string,
): Promise<CreateRun> {
  const run: CreateRun = { concurrency, latencies: [], ips: [], failures: {}, wallMs: 0 };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        const res = await client.call('POST', '/v2.0/ports', {
          port: { network_id: networkId, name: `${namePrefix}-${i}` },
        });
        if (res.status !== 201) {
          run.failures[res.status] = (run.failures[res.status] ?? 0) + 1;
          continue;
        }
        run.latencies.push(res.ms);
        for (const f of res.body.port.fixed_ips as { ip_address: string }[]) run.ips.push(f.ip_address);
      } catch (err) {
        const what = (err as Error).message;
        run.failures[what] = (run.failures[what] ?? 0) + 1;
      }
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  run.wallMs = performance.now() - began;
  return run;
}

/** What the report keeps of a run (the raw latencies and addresses stay out of --json). */
export interface CreateSummary {
  concurrency: number;
  latency: Spread;
  portsPerS: number;
  failures: Record<string, number>;
  wallMs: number;
}

export function summarize(r: CreateRun): CreateSummary {
  const portsPerS = (1000 * r.latencies.length) / r.wallMs;
  return {
    concurrency: r.concurrency,
    latency: spread(r.latencies),
    portsPerS,
    failures: r.failures,
    wallMs: r.wallMs,
  };
}

/** Addresses that appear more than once (a correct IPAM gives 0). */
export function duplicateIps(ips: readonly string[]): number {
  return ips.length - new Set(ips).size;
}

/** The p50 of each consecutive window of `size` creates: flat when a create's cost does not grow with the port count. */
export function p50ByWindow(latencies: readonly number[], size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < latencies.length; i += size) out.push(spread(latencies.slice(i, i + size)).p50);
  return out;
}
