/** One load run, as sent from the bench to its load-generator process over IPC. */
export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST' | 'HEAD';
  headers: Record<string, string>;
  body?: string;
  /** Concurrent keep-alive connections, each with one request in flight. */
  connections: number;
  /** Run for this many seconds... */
  durationS?: number;
  /** ...or until this many requests have completed (slow requests, where a fixed time would give few samples). */
  amount?: number;
  timeoutS?: number;
}

/** What came back; latencies are of 2xx answers only, in ms, exact (not histogram buckets). */
export interface LoadResult {
  completed: number;
  ok: number;
  /** Status code -> count, for everything that was not 2xx. */
  failures: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  durationS: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** CPU the load generator itself used, in ms: it shares the machine's cores with the server. */
  generatorCpuMs: number;
}
