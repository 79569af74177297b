import { apiClient } from './compute-client.ts';

/** One timed answer: ms is request sent to last byte read, as a client sees it. */
export interface Timed {
  status: number;
  ms: number;
  bytes: number;
  body: any;
}

export interface NeutronClient {
  call(method: string, path: string, body?: unknown): Promise<Timed>;
  /** Like call, but throws unless the answer is `expect`: for steps every later one depends on. */
  must(method: string, path: string, expect: number, body?: unknown): Promise<any>;
  close(): void;
}

/**
 * A Networking client on keep-alive node:http sockets (one per request in flight), so the latency measured
 * is the server's and the loopback's, not connection set-up or fetch's own overhead. Paths are under /networking.
 */
export function neutronClient(base: string, token: string, sockets: number, signal: AbortSignal): NeutronClient {
  return apiClient(base, '/networking', token, sockets, signal);
}
