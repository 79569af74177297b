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

/** What an accepted update of a move changes: more columns in the same write, and work around it. */
export interface MovePlan {
  /** Written with the agent's update, so the state and the flavor/host a client sees change together. */
  patch: Partial<InstanceRow>;
  /** Placement first: once the state is visible the allocations are already the final ones. */
  beforeCommit?: () => Promise<void>;
  /** The migration's new status, written in the same transaction as the update. */
  migrationStatus?: { id: number; status: string };
  /** The next cast of the chain. */
  afterCommit?: () => Promise<void>;
}

/**
 * What the server does when an agent's update moves a resize, revert, confirm or live migration along
 * (docs/plans/compute-agent-transitions.md): the next cast of the chain, the migration's status, the flavor,
 * and the allocations held by the instance and by the migration.
 */
export async function planMoveUpdate(
  deps: ComputeDeps,
  row: InstanceRow,
  u: InstanceUpdate,
): Promise<MovePlan | undefined> {
  const m = await currentMigration(deps.db, row.uuid);
  if (!m) return undefined;
  const prev = row.task_state;
  const status = (s: string) => ({ id: m.id, status: s });

  if (u.task_state === 'resize_migrated') {
    // Source done: the destination starts it with the new flavor.
    const flavor =
      (await newFlavorOf(deps.db, row.uuid)) ?? parseJson<FlavorSnapshot | undefined>(row.flavor, undefined);
    return {
      patch: { flavor: JSON.stringify(flavor) },
      afterCommit: async () => {
        await setMigrationStatus(deps.db, m.id, 'post-migrating');
        if (m.dest_compute && m.dest_compute !== m.source_compute) await rebind(deps, row.uuid, m.dest_compute);
        const fresh = (await liveInstance(deps.db, row.uuid)) ?? row;
        const args = {
          migration_uuid: m.uuid,
          source_host: m.source_compute,
          dest_node: m.dest_node,
          was_stopped: row.vm_state === 'stopped',
        };
        await castMove(deps, fresh, m.dest_compute ?? '', AgentMethod.finishResize, args, flavor, m);
      },
    };
  }
  if (u.vm_state === 'resized') return { patch: {}, migrationStatus: status('finished') };
  const bareReport = u.vm_state === undefined && u.task_state === undefined && u.power_state === undefined;
  if (prev === 'resize_reverting' && bareReport && u.expected_task_state?.includes('resize_reverting')) {
    // The destination dropped its copy: the source goes back to the old flavor.
    const old = parseJson<FlavorSnapshot | undefined>(row.old_flavor, undefined);
    return {
      patch: {},
      afterCommit: async () => {
        if (m.source_compute && m.source_compute !== m.dest_compute) await rebind(deps, row.uuid, m.source_compute);
        await setMigrationStatus(deps.db, m.id, 'reverting');
        const args = {
          migration_uuid: m.uuid,
          was_stopped: row.power_state === 4,
          old_flavor: old ? flavorSpecOf(old) : undefined,
        };
        await castMove(deps, row, m.source_compute ?? '', AgentMethod.finishRevertResize, args, old, m);
      },
    };
  }
  if (u.task_state !== null) return undefined;
  const release = () =>
    deps.placement.release(m.uuid).catch((err) => deps.log.warn({ err }, 'releasing the migration failed'));
  if (prev === 'resize_reverting')
    return {
      patch: { flavor: row.old_flavor ?? row.flavor, old_flavor: null },
      beforeCommit: () => undoMigrationClaim(deps, row, m),
      migrationStatus: status('reverted'),
    };
  if (prev === 'resize_confirming')
    return { patch: { old_flavor: null }, beforeCommit: release, migrationStatus: status('confirmed') };
  if (prev === 'migrating' && m.migration_type === 'live-migration')
    return u.new_host
      ? { patch: {}, beforeCommit: release, migrationStatus: status('completed') }
      : { patch: {}, beforeCommit: () => undoMigrationClaim(deps, row, m), migrationStatus: status('error') };
  if (prev && ['resize_prep', 'resize_migrating', 'resize_migrated', 'resize_finish'].includes(prev))
    // The resize failed on one of its hosts: the instance stays on the source with its old flavor.
    return {
      patch: {
        flavor: row.old_flavor ?? row.flavor,
        old_flavor: null,
        host: m.source_compute ?? row.host,
        node: m.source_node ?? row.node,
      },
      beforeCommit: () => undoMigrationClaim(deps, row, m),
      migrationStatus: status('error'),
    };
  return undefined;
}
