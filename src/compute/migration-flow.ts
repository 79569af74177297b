import type { Kysely } from 'kysely';
import { NoConsumer } from '../core/bus/bus.ts';
import { AGENT_TOPIC, AgentMethod, type InstanceMessage, type InstanceUpdate } from './agent/rpc.ts';
import type { ComputeDeps } from './deps.ts';
import { findAction } from './instance-actions-store.ts';
import { casInstance, liveInstance, parseJson } from './instance-cas.ts';
import { MIGRATION_DONE } from './instance-finalize.ts';
import { buildInstanceSpec, flavorSpecOf } from './instance-spec.ts';
import type { ComputeTables, FlavorSnapshot, InstanceRow, MigrationRow } from './tables.ts';

/** The flavor a resize moves to, kept beside the instance until finish_resize makes it the flavor. */
export const NEW_FLAVOR_KEY = 'new_flavor';

export async function currentMigration(db: Kysely<ComputeTables>, uuid: string): Promise<MigrationRow | undefined> {
  return db
    .selectFrom('instance_migrations')
    .selectAll()
    .where('instance_uuid', '=', uuid)
    .where('status', 'not in', MIGRATION_DONE)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export async function setMigrationStatus(db: Kysely<ComputeTables>, id: number, status: string): Promise<void> {
  await db
    .updateTable('instance_migrations')
    .set({ status, updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute();
}

async function newFlavorOf(db: Kysely<ComputeTables>, uuid: string): Promise<FlavorSnapshot | undefined> {
  const row = await db
    .selectFrom('instance_system_metadata')
    .select('value')
    .where('instance_uuid', '=', uuid)
    .where('key', '=', NEW_FLAVOR_KEY)
    .executeTakeFirst();
  return parseJson<FlavorSnapshot | undefined>(row?.value, undefined);
}

/** A migration's hosts may report about the instance too, not only the host it is recorded on. */
export async function hostMayReport(db: Kysely<ComputeTables>, row: InstanceRow, host: string): Promise<boolean> {
  if (row.host === host) return true;
  const m = await currentMigration(db, row.uuid);
  return !!m && (m.source_compute === host || m.dest_compute === host);
}

/** Casts a step of a move to the host that takes it; a host nobody serves fails the move at once. */
async function castMove(
  deps: ComputeDeps,
  row: InstanceRow,
  host: string,
  method: string,
  args: Record<string, unknown>,
  flavor: FlavorSnapshot | undefined,
  migration: MigrationRow,
): Promise<void> {
  const action = await findAction(deps.db, row.uuid);
  const context = action
    ? { request_id: action.request_id, user_id: action.user_id, project_id: action.project_id }
    : { request_id: '', user_id: row.user_id, project_id: row.project_id };
  const instance = await buildInstanceSpec(deps.db, row, { flavor });
  const msg: InstanceMessage = { context, instance, args };
  try {
    await deps.bus.cast({ topic: AGENT_TOPIC, server: host }, method, msg);
  } catch (err) {
    if (!(err instanceof NoConsumer)) throw err;
    await failMove(deps, row, migration, `Compute host ${host} is not reachable`);
  }
}

/** A move that cannot finish: back to the source's allocation, task cleared, migration in error. */
async function failMove(deps: ComputeDeps, row: InstanceRow, m: MigrationRow, reason: string): Promise<void> {
  const fault = { code: 500, message: reason, details: '', created: new Date().toISOString() };
  await casInstance(deps.db, row.uuid, undefined, { task_state: null, fault: JSON.stringify(fault) });
  await undoMigrationClaim(deps, row, m);
  await setMigrationStatus(deps.db, m.id, 'error');
}

async function undoMigrationClaim(deps: ComputeDeps, row: InstanceRow, m: MigrationRow): Promise<void> {
  await deps.placement
    .move(m.uuid, row.uuid, { project_id: row.project_id, user_id: row.user_id })
    .catch((err) => deps.log.warn({ err, instance: row.uuid }, 'moving allocations back failed'));
}

const rebind = (deps: ComputeDeps, uuid: string, host: string) =>
  deps.network.bindPorts(uuid, host).catch((err) => {
    deps.log.warn({ err, instance: uuid, host }, 'rebinding ports failed');
    return undefined;
  });

/**
 * What the server does after an agent's accepted update moves a resize, revert, confirm or live migration
 * along (docs/plans/compute-agent-transitions.md): the next cast of the chain, the migration's status, and the
 * allocations held by the instance and by the migration.
 */
export async function afterMoveUpdate(deps: ComputeDeps, before: InstanceRow, u: InstanceUpdate): Promise<void> {
  const m = await currentMigration(deps.db, before.uuid);
  if (!m) return;
  const row = await liveInstance(deps.db, before.uuid);
  if (!row) return;
  const prev = before.task_state;
  const wasStopped = before.vm_state === 'stopped';

  if (u.task_state === 'resize_migrated') {
    // Source done: the destination starts it with the new flavor.
    const flavor =
      (await newFlavorOf(deps.db, row.uuid)) ?? parseJson<FlavorSnapshot | undefined>(row.flavor, undefined);
    await casInstance(deps.db, row.uuid, ['resize_migrated'], { flavor: JSON.stringify(flavor) });
    await setMigrationStatus(deps.db, m.id, 'post-migrating');
    if (m.dest_compute && m.dest_compute !== m.source_compute) await rebind(deps, row.uuid, m.dest_compute);
    const fresh = (await liveInstance(deps.db, row.uuid)) ?? row;
    await castMove(
      deps,
      fresh,
      m.dest_compute ?? '',
      AgentMethod.finishResize,
      {
        migration_uuid: m.uuid,
        source_host: m.source_compute,
        dest_node: m.dest_node,
        was_stopped: wasStopped,
      },
      flavor,
      m,
    );
    return;
  }
  if (u.vm_state === 'resized') {
    await setMigrationStatus(deps.db, m.id, 'finished');
    return;
  }
  if (prev === 'resize_reverting' && u.vm_state === undefined && u.task_state === undefined) {
    // The destination dropped its copy: the source goes back to the old flavor.
    const old = parseJson<FlavorSnapshot | undefined>(row.old_flavor, undefined);
    if (m.source_compute && m.source_compute !== m.dest_compute) await rebind(deps, row.uuid, m.source_compute);
    await setMigrationStatus(deps.db, m.id, 'reverting');
    await castMove(
      deps,
      row,
      m.source_compute ?? '',
      AgentMethod.finishRevertResize,
      {
        migration_uuid: m.uuid,
        was_stopped: row.power_state === 4,
        old_flavor: old ? flavorSpecOf(old) : undefined,
      },
      old,
      m,
    );
    return;
  }
  if (u.task_state !== null) return;
  if (prev === 'resize_reverting') {
    await casInstance(deps.db, row.uuid, undefined, { flavor: row.old_flavor ?? row.flavor, old_flavor: null });
    await undoMigrationClaim(deps, row, m);
    await setMigrationStatus(deps.db, m.id, 'reverted');
  } else if (prev === 'resize_confirming') {
    await casInstance(deps.db, row.uuid, undefined, { old_flavor: null });
    await deps.placement.release(m.uuid).catch((err) => deps.log.warn({ err }, 'releasing the migration failed'));
    await setMigrationStatus(deps.db, m.id, 'confirmed');
  } else if (prev === 'migrating' && m.migration_type === 'live-migration') {
    if (u.new_host) {
      await deps.placement.release(m.uuid).catch((err) => deps.log.warn({ err }, 'releasing the migration failed'));
      await setMigrationStatus(deps.db, m.id, 'completed');
    } else {
      await undoMigrationClaim(deps, row, m);
      await setMigrationStatus(deps.db, m.id, 'error');
    }
  } else if (prev && ['resize_prep', 'resize_migrating', 'resize_migrated', 'resize_finish'].includes(prev)) {
    // The resize failed on one of its hosts: the instance stays on the source with its old flavor.
    const old = row.old_flavor ?? row.flavor;
    await casInstance(deps.db, row.uuid, undefined, {
      flavor: old,
      old_flavor: null,
      host: m.source_compute ?? row.host,
      node: m.source_node ?? row.node,
    });
    await undoMigrationClaim(deps, row, m);
    await setMigrationStatus(deps.db, m.id, 'error');
  }
}
