import type { ApiClient } from './compute-client.ts';
import { type InFlightRun, inFlight } from './in-flight.ts';

/** What a run of server creates or deletes gave; `ids` are the created servers (creates only). */
export interface RequestRun extends InFlightRun {
  ids: string[];
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
  return { ...run, ids };
}

/** DELETEs every server, `concurrency` at a time (answers 204). */
export async function deleteServers(
  client: ApiClient,
  ids: readonly string[],
  concurrency: number,
): Promise<RequestRun> {
  return {
    ...(await inFlight(ids.length, concurrency, 204, (i) => client.call('DELETE', `/servers/${ids[i]}`))),
    ids: [],
  };
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
