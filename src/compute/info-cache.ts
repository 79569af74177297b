import type { Notification, Subscription } from '../core/bus/bus.ts';
import type { NetworkInfo } from './clients/types.ts';
import type { ComputeDeps } from './deps.ts';
import type { ComputeDb } from './tables.ts';

/**
 * Keeps each server's network info (instances.info_cache, what `addresses` is built from) in step with
 * Networking: Neutron's notifications about ports and floating IPs name the server (a port's device_id), and
 * the server's info is read again from Networking shortly after, once per burst. This stands in for Nova's
 * network-changed / network-vif-plugged external events, which `POST /os-server-external-events` also triggers.
 */
export interface InfoCacheRefresher {
  /** Refresh one server's info soon (coalescing bursts); resolves once written. */
  schedule(uuid: string): Promise<void>;
  /** Refresh now; answers the new info (undefined when the server is gone). */
  refresh(uuid: string): Promise<NetworkInfo | undefined>;
  /** Listen to Networking's notifications until stop(). */
  start(): Subscription;
  /** Waits for the refreshes in flight (tests, shutdown). */
  settle(): Promise<void>;
}

/** Events within this window for one server cause one read of Networking. */
const DEBOUNCE_MS = 30;

/** Writes a server's network info (what the conductor does after allocating ports, too). */
export async function saveInfoCache(db: ComputeDb, uuid: string, info: NetworkInfo): Promise<void> {
  await db
    .updateTable('instances')
    .set({ info_cache: JSON.stringify(info) })
    .where('uuid', '=', uuid)
    .execute();
}

/** The cached network info of a row ('[]' and bad JSON are empty). */
export function parseInfoCache(text: string | null | undefined): NetworkInfo {
  try {
    const parsed = JSON.parse(text || '[]');
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

export function createInfoCacheRefresher(
  deps: Pick<ComputeDeps, 'db' | 'bus' | 'log' | 'network'>,
): InfoCacheRefresher {
  const timers = new Map<string, { timer: NodeJS.Timeout; done: Promise<void>; resolve: () => void }>();
  const inFlight = new Set<Promise<unknown>>();

  const refresh = async (uuid: string): Promise<NetworkInfo | undefined> => {
    const row = await deps.db
      .selectFrom('instances')
      .select(['uuid', 'deleted', 'task_state'])
      .where('uuid', '=', uuid)
      .executeTakeFirst();
    if (!row || row.deleted) return undefined;
    // While the conductor allocates a build's ports it saves their info itself: reading Networking for every
    // port it creates would only repeat that (three calls per port in a burst of builds).
    if (row.task_state === 'networking') return undefined;
    const info = await deps.network.networkInfo(uuid);
    await saveInfoCache(deps.db, uuid, info);
    return info;
  };

  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  };

  const schedule = (uuid: string): Promise<void> => {
    const pending = timers.get(uuid);
    if (pending) {
      pending.timer.refresh();
      return pending.done;
    }
    let resolve!: () => void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    const timer = setTimeout(() => {
      timers.delete(uuid);
      track(
        refresh(uuid).catch((err) => deps.log.warn({ instance_uuid: uuid, err }, 'network info refresh failed')),
      ).finally(resolve);
    }, DEBOUNCE_MS);
    timer.unref();
    timers.set(uuid, { timer, done, resolve });
    return done;
  };

  /** The server a notification is about, when it is one (device_owner `compute:*`). */
  const serversOf = async (n: Notification): Promise<string[]> => {
    const payload = (n.payload ?? {}) as Record<string, Record<string, unknown> | undefined> & Record<string, unknown>;
    if (n.event_type === 'port.status_changed')
      return isServerPort(payload as Record<string, unknown>) ? [String(payload.device_id)] : [];
    if (n.event_type.startsWith('port.')) {
      const port = payload.port;
      return port && isServerPort(port) ? [String(port.device_id)] : [];
    }
    if (n.event_type.startsWith('floatingip.')) {
      const fip = payload.floatingip ?? {};
      const out = new Set<string>();
      const portId = fip.port_id as string | null | undefined;
      if (portId) {
        const res = await deps.network.request({}, 'GET', `/v2.0/ports/${encodeURIComponent(portId)}`);
        if (res.status === 200 && isServerPort(res.body.port)) out.add(res.body.port.device_id);
      }
      // A floating IP that left its port (or went away): the servers whose info still shows it.
      const address = fip.floating_ip_address as string | undefined;
      if (address) {
        const rows = await deps.db
          .selectFrom('instances')
          .select('uuid')
          .where('deleted', '=', 0)
          .where('info_cache', 'like', `%"floating_ip_address":"${address}"%`)
          .execute();
        for (const r of rows) out.add(r.uuid);
      }
      return [...out];
    }
    return [];
  };

  return {
    schedule,
    refresh: (uuid) => track(refresh(uuid)),
    start() {
      const subs = ['port.', 'floatingip.'].map((prefix) =>
        deps.bus.listenNotifications(prefix, async (n) => {
          try {
            for (const uuid of await serversOf(n)) void schedule(uuid);
          } catch (err) {
            deps.log.warn({ err, event_type: n.event_type }, 'network notification not applied');
          }
        }),
      );
      return {
        unsubscribe() {
          for (const s of subs) s.unsubscribe();
          for (const { timer, resolve } of timers.values()) {
            clearTimeout(timer);
            resolve();
          }
          timers.clear();
        },
      };
    },
    async settle() {
      while (timers.size || inFlight.size) {
        await Promise.allSettled([...[...timers.values()].map((t) => t.done), ...inFlight]);
      }
    },
  };
}

const isServerPort = (port: Record<string, unknown>): boolean =>
  typeof port.device_owner === 'string' &&
  port.device_owner.startsWith('compute:') &&
  typeof port.device_id === 'string' &&
  port.device_id !== '';

const refreshers = new WeakMap<object, InfoCacheRefresher>();

/** The one refresher of a compute deps object (the listener and the routes share its debouncing). */
export function infoCacheOf(deps: Pick<ComputeDeps, 'db' | 'bus' | 'log' | 'network'>): InfoCacheRefresher {
  let r = refreshers.get(deps);
  if (!r) {
    r = createInfoCacheRefresher(deps);
    refreshers.set(deps, r);
  }
  return r;
}
