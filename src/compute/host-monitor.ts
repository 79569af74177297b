import type { Subscription } from '../core/bus/bus.ts';
import { buildsInConductor, handleBuildFailed, setBuildError } from './build-flow.ts';
import type { ComputeDeps } from './deps.ts';
import { finalizeDelete } from './instance-finalize.ts';
import { serviceIsUp } from './service-liveness.ts';

/**
 * A server still in `scheduling` with no host after this long, and not held by this process's conductor, lost
 * its conductor message (a restart): Tempest's build_timeout.
 */
export const SCHEDULING_TIMEOUT_S = 300;
const BUILD_TASKS = ['scheduling', 'networking', 'spawning', 'block_device_mapping'];

/**
 * The dead-agent sweep: every few seconds, servers building on a compute host that stopped reporting are
 * rescheduled (or put in ERROR), servers being deleted there are finalized, and servers stuck in scheduling
 * go to ERROR. Nothing stays in BUILD forever because an agent died.
 */
export function startHostMonitor(deps: ComputeDeps): Subscription {
  const downTime = deps.config.compute.serviceDownTime;
  const everyMs = Math.max(1000, Math.min(5000, (downTime * 1000) / 3));
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepDeadHosts(deps)
      .catch((err) => deps.log.warn({ err }, 'compute host sweep failed'))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return { unsubscribe: () => clearInterval(timer) };
}

export async function sweepDeadHosts(deps: ComputeDeps, now = Date.now()): Promise<void> {
  const services = await deps.db
    .selectFrom('compute_services')
    .select(['host', 'forced_down', 'last_seen_up'])
    .where('binary', '=', 'nova-compute')
    .execute();
  const down = services.filter((s) => !serviceIsUp(s, deps.config.compute.serviceDownTime, now)).map((s) => s.host);
  if (down.length) {
    const stuck = await deps.db
      .selectFrom('instances')
      .select(['uuid', 'host', 'vm_state', 'task_state'])
      .where('deleted', '=', 0)
      .where('host', 'in', down)
      .where((eb) => eb.or([eb('vm_state', '=', 'building'), eb('task_state', '=', 'deleting')]))
      .execute();
    for (const row of stuck) {
      if (!row.host) continue;
      if (row.task_state === 'deleting') {
        deps.log.info({ instance: row.uuid, host: row.host }, 'finalizing a delete on a dead compute host');
        await finalizeDelete(deps, row.uuid);
      } else if (row.task_state && BUILD_TASKS.includes(row.task_state)) {
        deps.log.warn({ instance: row.uuid, host: row.host }, 'build on a dead compute host');
        await handleBuildFailed(deps, {
          uuid: row.uuid,
          host: row.host,
          reason: `Compute host ${row.host} stopped reporting during the build`,
          reschedule: true,
        });
      }
    }
  }
  const cutoff = new Date(now - SCHEDULING_TIMEOUT_S * 1000).toISOString();
  const lost = await deps.db
    .selectFrom('instances')
    .select('uuid')
    .where('deleted', '=', 0)
    .where('vm_state', '=', 'building')
    .where('task_state', '=', 'scheduling')
    .where('host', 'is', null)
    .where((eb) =>
      eb.or([eb('updated_at', '<', cutoff), eb.and([eb('updated_at', 'is', null), eb('created_at', '<', cutoff)])]),
    )
    .execute();
  for (const row of lost) {
    if (buildsInConductor.has(row.uuid)) continue;
    await setBuildError(deps, row.uuid, {
      message: `Build of instance ${row.uuid} timed out after ${SCHEDULING_TIMEOUT_S} s in scheduling`,
    });
  }
}
