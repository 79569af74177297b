import { hostname } from 'node:os';
import type { ComputeBase } from './deps.ts';
import { firstServiceRow } from './host-records.ts';
import type { ServiceRow } from './tables.ts';

/** The services the Compute API process itself plays (Nova's scheduler and conductor run inside it here). */
const CONTROLLER_BINARIES = [
  { binary: 'nova-scheduler', topic: 'scheduler' },
  { binary: 'nova-conductor', topic: 'conductor' },
];

/** The controller's host name: the network agent's host when set, else the machine's, as DevStack's all-in-one. */
export const controllerHost = (deps: Pick<ComputeBase, 'config'>) => deps.config.network.host || hostname();

/**
 * Keeps `nova-scheduler` and `nova-conductor` rows in compute_services with heartbeats every report interval,
 * so os-services, os-hosts and the availability zones' `internal` zone show them as a Nova controller does.
 * Only rows of these binaries are touched; compute rows belong to the agents' reports.
 */
export async function startControllerServices(
  deps: Pick<ComputeBase, 'db' | 'config' | 'log'>,
): Promise<{ unsubscribe(): void }> {
  const host = controllerHost(deps);
  const beat = async () => {
    const now = new Date().toISOString();
    for (const { binary, topic } of CONTROLLER_BINARIES) {
      const updated = await deps.db
        .updateTable('compute_services')
        .set((eb) => ({ last_seen_up: now, updated_at: now, report_count: eb('report_count', '+', 1) }))
        .where('host', '=', host)
        .where('binary', '=', binary)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) continue;
      try {
        await deps.db
          .insertInto('compute_services')
          .values({ ...firstServiceRow(host, binary, topic, now), updated_at: now } as ServiceRow)
          .execute();
      } catch {
        // Another API process inserted it first (host, binary is unique): its heartbeat is as good as ours.
      }
    }
  };
  let stopped = false;
  const tick = () =>
    beat().catch((err) => {
      if (!stopped) deps.log.warn({ err }, 'controller service heartbeat failed');
    });
  await tick();
  const timer = setInterval(tick, deps.config.compute.reportInterval * 1000);
  timer.unref();
  return {
    unsubscribe() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
