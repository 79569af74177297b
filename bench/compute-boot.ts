import type { ApiClient } from './compute-client.ts';

/** What a run of requests (server creates or deletes) gave: each latency in order, and what did not succeed. */
export interface RequestRun {
  concurrency: number;
  latencies: number[];
  /** Created server ids (creates only). */
  ids: string[];
  /** Status (or error message) -> count, for every answer that was not the expected one. */
  failures: Record<string, number>;
  wallMs: number;
}

/** Runs `count` jobs with `concurrency` in flight; each job returns its answer's status and latency. */
async function inFlight(
  count: number,
  concurrency: number,
  expect: number,
  job: (i: number) => Promise<{ status: number; ms: number; body: any }>,
  onOk: (body: any) => void = () => {},
): Promise<RequestRun> {
  const run: RequestRun = { concurrency, latencies: [], ids: [], failures: {}, wallMs: 0 };
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

export interface BootSpec {
  imageRef: string;
  flavorRef: string;
  networkId: string;
}

/** POSTs `count` servers (`bench-<i>`), `concurrency` at a time, as `openstack server create` sends them. */
export async function createServers(
  client: ApiClient,
  count: number,
  concurrency: number,
  spec: BootSpec,
): Promise<RequestRun> {
  const ids: string[] = [];
  const run = await inFlight(
    count,
    concurrency,
    202,
    (i) =>
      client.call('POST', '/servers', {
        server: {
          name: `bench-${i}`,
          imageRef: spec.imageRef,
          flavorRef: spec.flavorRef,
          networks: [{ uuid: spec.networkId }],
        },
      }),
    (body) => ids.push(body.server.id),
  );
  run.ids = ids;
  return run;
}

/** DELETEs every server, `concurrency` at a time (answers 204). */
export function deleteServers(client: ApiClient, ids: readonly string[], concurrency: number): Promise<RequestRun> {
  return inFlight(ids.length, concurrency, 204, (i) => client.call('DELETE', `/servers/${ids[i]}`));
}

/** How many of the project's servers are in `status` (one page of up to 1,000, Nova's max_limit). */
export async function countWithStatus(client: ApiClient, status?: string): Promise<number> {
  const query = status ? `?status=${status}&limit=1000` : '?limit=1000';
  const body = await client.must('GET', `/servers${query}`, 200);
  return (body.servers as unknown[]).length;
}

export interface Settled {
  /** ms from `since` until the condition held, or undefined on timeout. */
  ms?: number;
  polls: number;
}

/** Polls every `everyMs` until `done()` holds; times from `since` (performance.now() of the first request). */
export async function settle(
  done: () => Promise<boolean>,
  since: number,
  timeoutMs: number,
  everyMs = 250,
): Promise<Settled> {
  let polls = 0;
  while (performance.now() - since < timeoutMs) {
    polls++;
    if (await done()) return { ms: performance.now() - since, polls };
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return { polls };
}
