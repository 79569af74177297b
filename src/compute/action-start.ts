import type { ActRequest } from './conductor-contract.ts';
import type { ComputeDeps } from './deps.ts';
import { conflict, instanceNotFound } from './errors.ts';
import { recordAction } from './instance-actions-store.ts';
import { casInstance, liveInstance } from './instance-cas.ts';
import { serviceIsUp } from './service-liveness.ts';
import type { InstanceRow } from './tables.ts';

/** Whether the host's compute service is up (reported within service_down_time and not forced down). */
export async function hostIsUp(deps: ComputeDeps, host: string | null): Promise<boolean> {
  if (!host) return false;
  const service = await deps.db
    .selectFrom('compute_services')
    .select(['forced_down', 'last_seen_up'])
    .where('host', '=', host)
    .where('binary', '=', 'nova-compute')
    .executeTakeFirst();
  return !!service && serviceIsUp(service, deps.config.compute.serviceDownTime);
}

/**
 * The state change and the action record of one request, in one transaction: the task_state moves only if it
 * still is one of `expected`, else Nova's 409 naming the state it is in.
 */
export async function startAction(
  deps: ComputeDeps,
  req: Pick<ActRequest, 'context' | 'uuid' | 'action' | 'taskState' | 'expectedTaskState'>,
): Promise<InstanceRow> {
  return deps.db.transaction().execute(async (tx) => {
    const moved = await casInstance(tx, req.uuid, req.expectedTaskState ?? [null], { task_state: req.taskState });
    const row = await liveInstance(tx, req.uuid);
    if (!row) throw instanceNotFound(req.uuid);
    if (!moved)
      throw conflict(`Cannot '${req.action}' instance ${req.uuid} while it is in task_state ${row.task_state}`);
    await recordAction(tx, req.uuid, req.action, req.context);
    return row;
  });
}
