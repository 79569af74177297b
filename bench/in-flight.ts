/** What a run of requests gave: each latency in completion order, and what did not succeed. */
export interface InFlightRun {
  concurrency: number;
  latencies: number[];
  /** Status (or error message) -> count, for every answer that was not the expected one. */
  failures: Record<string, number>;
  wallMs: number;
}

/**
 * Runs `count` jobs with `concurrency` in flight (1: one after the other); each job returns its answer's status
 * and latency, and `onOk` sees the body of every answer with the expected status.
 */
export async function inFlight(
  count: number,
  concurrency: number,
  expect: number,
  job: (i: number) => Promise<{ status: number; ms: number; body: any }>,
  onOk: (body: any) => void = () => {},
): Promise<InFlightRun> {
  const run: InFlightRun = { concurrency, latencies: [], failures: {}, wallMs: 0 };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        const res = await job(i);
        if (res.status !== expect) {
          run.failures[res.status] = (run.failures[res.status] ?? 0) + 1;
          continue;
        }
        run.latencies.push(res.ms);
        onOk(res.body);
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
