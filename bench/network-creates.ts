import { type InFlightRun, inFlight } from './in-flight.ts';
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
export interface CreateRun extends InFlightRun {
  ips: string[];
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
  const ips: string[] = [];
  const run = await inFlight(
    count,
    concurrency,
    201,
    (i) => client.call('POST', '/v2.0/ports', { port: { network_id: networkId, name: `${namePrefix}-${i}` } }),
    (body) => {
      for (const f of body.port.fixed_ips as { ip_address: string }[]) ips.push(f.ip_address);
    },
  );
  return { ...run, ips };
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
