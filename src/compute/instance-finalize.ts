import type { NetworkInfo } from './clients/types.ts';
import type { ComputeDeps } from './deps.ts';
import { finishAction } from './instance-actions-store.ts';
import { liveInstance, parseJson } from './instance-cas.ts';
import { notifyInstance } from './notifications.ts';

/** Migration statuses after which the migration holds no allocations any more. */
export const MIGRATION_DONE = ['confirmed', 'reverted', 'error', 'failed', 'completed', 'done', 'cancelled'];

/**
 * The end of a delete (the agent destroyed the guest, or there was none to destroy): the row is marked deleted
 * in one transaction with its group membership and the delete action, then the claims in Placement (the
 * instance's and those of an unfinished migration) and its ports are released. Safe to run twice.
 */
export async function finalizeDelete(deps: ComputeDeps, uuid: string): Promise<boolean> {
  const row = await liveInstance(deps.db, uuid);
  if (!row) return false;
  // Claims and ports go first, as Nova's delete does: once the server answers 404 nothing of it is left.
  const open = await deps.db
    .selectFrom('instance_migrations')
    .select('uuid')
    .where('instance_uuid', '=', uuid)
    .where('status', 'not in', MIGRATION_DONE)
    .execute();
  for (const consumer of [uuid, ...open.map((m) => m.uuid)])
    await deps.placement
      .release(consumer)
      .catch((err) => deps.log.warn({ err, instance: uuid, consumer }, 'releasing allocations failed'));
  const info = parseJson<NetworkInfo>(row.info_cache, []);
  await deps.network
    .deallocatePorts(uuid, info)
    .catch((err) => deps.log.warn({ err, instance: uuid }, 'releasing ports failed'));
  const now = new Date().toISOString();
  const marked = await deps.db.transaction().execute(async (tx) => {
    const res = await tx
      .updateTable('instances')
      .set({
        vm_state: 'deleted',
        task_state: null,
        power_state: 0,
        deleted: 1,
        deleted_at: now,
        terminated_at: now,
        updated_at: now,
      })
      .where('uuid', '=', uuid)
      .where('deleted', '=', 0)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return false;
    await tx.deleteFrom('server_group_members').where('instance_uuid', '=', uuid).execute();
    await finishAction(tx, uuid, 'delete');
    await tx
      .updateTable('instance_migrations')
      .set({ status: 'error', updated_at: now })
      .where('instance_uuid', '=', uuid)
      .where('status', 'not in', MIGRATION_DONE)
      .execute();
    return true;
  });
  if (!marked) return false;
  forgetAdminPass(uuid);
  await notifyInstance(deps.bus, 'delete', 'end', {
    ...row,
    vm_state: 'deleted',
    task_state: null,
    power_state: 0,
  });
  deps.log.info({ instance: uuid, host: row.host }, 'instance deleted');
  return true;
}

/**
 * The admin password of a server being built, kept in memory only (never stored), so a reschedule to another
 * host still injects it.
 */
const adminPasswords = new Map<string, string>();

export function rememberAdminPass(uuid: string, pass: string | null | undefined): void {
  if (pass) adminPasswords.set(uuid, pass);
}
export const adminPassOf = (uuid: string): string | null => adminPasswords.get(uuid) ?? null;
export function forgetAdminPass(uuid: string): void {
  adminPasswords.delete(uuid);
}
