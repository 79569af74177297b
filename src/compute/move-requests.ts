import { randomUUID } from 'node:crypto';
import { NoConsumer } from '../core/bus/bus.ts';
import { startAction } from './action-start.ts';
import { AGENT_TOPIC, AgentMethod, type InstanceMessage } from './agent/rpc.ts';
import { imageSpecOf, NO_VALID_HOST } from './build-flow.ts';
import type { RequestSpec } from './clients/types.ts';
import type { ActRequest } from './conductor-contract.ts';
import type { ComputeDeps } from './deps.ts';
import type { ImageSpec } from './drivers/hypervisor.ts';
import { badRequest, conflict, instanceNotFound } from './errors.ts';
import { flavorSnapshotOf } from './flavor-store.ts';
import { finishEvent, startEvent } from './instance-actions-store.ts';
import { casInstance, liveInstance, parseJson } from './instance-cas.ts';
import { buildInstanceSpec, flavorSpecOf, loadRequestSpec, saveRequestSpec } from './instance-spec.ts';
import { systemMetadataOf } from './instance-store.ts';
import { NEW_FLAVOR_KEY } from './migration-flow.ts';
import { type Destination, scheduleAndClaim } from './scheduler.ts';
import type { FlavorSnapshot, InstanceRow, MigrationRow } from './tables.ts';

/** The flavor a resize asked for, as the instance will carry it (its snapshot with extra specs). */
async function flavorSnapshot(deps: ComputeDeps, flavorId: string): Promise<FlavorSnapshot> {
  const f = await deps.db
    .selectFrom('flavors')
    .selectAll()
    .where('id', '=', flavorId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!f) throw badRequest(`Flavor ${flavorId} could not be found.`);
  return flavorSnapshotOf(deps.db, f);
}

/**
 * A destination named by the caller must be a compute host here, checked before anything changes (Nova's
 * ComputeHostNotFound is a 400 from the API, not a failed migration).
 */
async function requireComputeHost(deps: ComputeDeps, host: string | undefined): Promise<void> {
  if (!host) return;
  const service = await deps.db
    .selectFrom('compute_services')
    .select('id')
    .where('host', '=', host)
    .where('binary', '=', 'nova-compute')
    .executeTakeFirst();
  if (!service) throw badRequest(`Compute host ${host} could not be found.`);
}

async function specOf(deps: ComputeDeps, row: InstanceRow): Promise<RequestSpec> {
  const stored = await loadRequestSpec(deps.db, row.uuid);
  const flavor = parseJson<FlavorSnapshot>(row.flavor, {} as FlavorSnapshot);
  return (
    stored ?? {
      instance_uuid: row.uuid,
      project_id: row.project_id,
      user_id: row.user_id,
      flavor: { ...flavorSpecOf(flavor), id: flavor.id },
      image: { id: row.image_ref, properties: {} },
      availability_zone: row.availability_zone,
      scheduler_hints: {},
      networks: { requested: [], securityGroupIds: [] },
      ignore_hosts: [],
      num_attempts: 0,
    }
  );
}

/** A move that found no destination: the instance keeps its host, its task is cleared, the action errs. */
async function noDestination(deps: ComputeDeps, req: ActRequest, event: string, reason = NO_VALID_HOST) {
  const fault = { code: 500, message: reason, details: '', created: new Date().toISOString() };
  await casInstance(deps.db, req.uuid, [req.taskState], { task_state: null, fault: JSON.stringify(fault) });
  await finishEvent(deps.db, { uuid: req.uuid, request_id: req.context.request_id }, event, {
    result: 'Error',
    traceback: reason,
    host: null,
  });
}

/** The migration record of moving `row` to `dest`: from the instance's host and node to the claimed ones. */
async function insertMigration(
  deps: ComputeDeps,
  row: InstanceRow,
  dest: Destination,
  move: Pick<
    MigrationRow,
    'uuid' | 'old_instance_type_id' | 'new_instance_type_id' | 'status' | 'migration_type' | 'created_at'
  >,
): Promise<MigrationRow> {
  const values: Omit<MigrationRow, 'id'> = {
    ...move,
    instance_uuid: row.uuid,
    source_compute: row.host,
    dest_compute: dest.host,
    source_node: row.node,
    dest_node: dest.node,
    dest_host: dest.host,
    project_id: row.project_id,
    user_id: row.user_id,
    updated_at: null,
  };
  await deps.db
    .insertInto('instance_migrations')
    .values(values as MigrationRow)
    .execute();
  return deps.db
    .selectFrom('instance_migrations')
    .selectAll()
    .where('uuid', '=', values.uuid)
    .executeTakeFirstOrThrow();
}

/**
 * Schedules a destination for a move: the instance's current allocation first goes to the migration's
 * consumer (POST /allocations), then the instance claims on the chosen host; without a host the allocation
 * goes back. The source host is avoided when `avoidSource` (live migration, and cold migration when another
 * host fits).
 */
async function claimDestination(
  deps: ComputeDeps,
  row: InstanceRow,
  spec: RequestSpec,
  migrationUuid: string,
  opts: { targetHost?: string; avoidSource: boolean | 'prefer' },
): Promise<Destination | undefined> {
  const owner = { project_id: row.project_id, user_id: row.user_id };
  await deps.placement.move(row.uuid, migrationUuid, owner);
  const attempt = (ignore: string[]) =>
    scheduleAndClaim(
      deps,
      { ...spec, requested_host: opts.targetHost ?? null, ignore_hosts: ignore },
      {
        consumer: row.uuid,
      },
    );
  let dest = await attempt(opts.avoidSource && row.host ? [row.host] : []);
  // Like DevStack's allow_resize_to_same_host: a single-host cloud still resizes (and migrates) in place.
  if (!dest && opts.avoidSource === 'prefer') dest = await attempt([]);
  if (!dest) await deps.placement.move(migrationUuid, row.uuid, owner).catch(() => {});
  return dest;
}

/** Resize to `newFlavorId`, or cold migrate (same flavor) when none is given. */
export async function resize(
  deps: ComputeDeps,
  req: ActRequest & { newFlavorId?: string; targetHost?: string },
): Promise<void> {
  const before = await liveInstance(deps.db, req.uuid);
  if (!before) throw instanceNotFound(req.uuid);
  await requireComputeHost(deps, req.targetHost);
  const current = parseJson<FlavorSnapshot>(before.flavor, {} as FlavorSnapshot);
  const newFlavor = req.newFlavorId ? await flavorSnapshot(deps, req.newFlavorId) : current;
  const row = await startAction(deps, { ...req, taskState: req.taskState ?? 'resize_prep' });
  const event = 'conductor_migrate_server';
  await startEvent(deps.db, { uuid: row.uuid, request_id: req.context.request_id }, event, null);
  const spec = await specOf(deps, row);
  const migrationUuid = randomUUID();
  const migrationType = req.newFlavorId ? 'resize' : 'migration';
  const now = new Date().toISOString();
  let dest: Destination | undefined;
  try {
    dest = await claimDestination(
      deps,
      row,
      { ...spec, flavor: { ...flavorSpecOf(newFlavor), id: newFlavor.id } },
      migrationUuid,
      { targetHost: req.targetHost, avoidSource: req.newFlavorId ? false : 'prefer' },
    );
  } catch (err) {
    deps.log.warn({ err, instance: row.uuid }, 'scheduling a resize failed');
  }
  if (!dest) {
    await noDestination(deps, { ...req, taskState: req.taskState ?? 'resize_prep' }, event);
    return;
  }
  const migration = await insertMigration(deps, row, dest, {
    uuid: migrationUuid,
    old_instance_type_id: current.id ?? null,
    new_instance_type_id: newFlavor.id,
    status: 'pre-migrating',
    migration_type: migrationType,
    created_at: now,
  });
  await deps.db.transaction().execute(async (tx) => {
    await tx.updateTable('instances').set({ old_flavor: row.flavor }).where('uuid', '=', row.uuid).execute();
    await tx
      .deleteFrom('instance_system_metadata')
      .where('instance_uuid', '=', row.uuid)
      .where('key', '=', NEW_FLAVOR_KEY)
      .execute();
    await tx
      .insertInto('instance_system_metadata')
      .values({ instance_uuid: row.uuid, key: NEW_FLAVOR_KEY, value: JSON.stringify(newFlavor) })
      .execute();
    await tx
      .updateTable('instance_migrations')
      .set({ status: 'migrating', updated_at: now })
      .where('id', '=', migration.id)
      .execute();
  });
  await finishEvent(deps.db, { uuid: row.uuid, request_id: req.context.request_id }, event, {
    result: 'Success',
    host: null,
  });
  const msg: InstanceMessage = {
    context: req.context,
    instance: await buildInstanceSpec(deps.db, row, { spec }),
    args: {
      ...req.args,
      dest_host: dest.host,
      dest_node: dest.node,
      new_flavor: flavorSpecOf(newFlavor),
      migration_uuid: migrationUuid,
    },
  };
  await castToHost(deps, row, row.host, AgentMethod.resize, msg, migration);
}

/** Unshelve: an offloaded server is scheduled again (to `availabilityZone` or `targetHost`, 2.91). */
export async function unshelve(
  deps: ComputeDeps,
  req: ActRequest & { availabilityZone?: string | null; targetHost?: string },
): Promise<void> {
  const taskState = req.taskState ?? 'unshelving';
  await requireComputeHost(deps, req.targetHost);
  const row = await startAction(deps, { ...req, taskState });
  const spec = await specOf(deps, row);
  let host = row.vm_state === 'shelved_offloaded' ? null : row.host;
  if (!host) {
    const event = 'schedule_instances';
    await startEvent(deps.db, { uuid: row.uuid, request_id: req.context.request_id }, event, null);
    const wanted: RequestSpec = {
      ...spec,
      availability_zone: req.availabilityZone === undefined ? spec.availability_zone : req.availabilityZone,
      requested_host: req.targetHost ?? null,
      ignore_hosts: [],
    };
    let dest: Destination | undefined;
    try {
      dest = await scheduleAndClaim(deps, wanted, {
        consumer: row.uuid,
        record: async (d) => {
          const placed = await casInstance(deps.db, row.uuid, [taskState], {
            host: d.host,
            node: d.node,
            ...(req.availabilityZone !== undefined && { availability_zone: req.availabilityZone }),
          });
          // Deleted (or reset) meanwhile: the claim just made goes, and so does the unshelve.
          if (!placed) {
            await deps.placement.release(row.uuid).catch(() => {});
            throw conflict(`Instance ${row.uuid} changed while it was being unshelved`);
          }
        },
      });
    } catch (err) {
      deps.log.warn({ err, instance: row.uuid }, 'scheduling an unshelve failed');
    }
    if (!dest) {
      await noDestination(deps, { ...req, taskState }, event);
      return;
    }
    if (req.availabilityZone !== undefined) await saveRequestSpec(deps.db, wanted);
    await finishEvent(deps.db, { uuid: row.uuid, request_id: req.context.request_id }, event, {
      result: 'Success',
      host: null,
    });
    host = dest.host;
    const info = await deps.network.bindPorts(row.uuid, host).catch((err) => {
      deps.log.warn({ err, instance: row.uuid }, 'rebinding ports for unshelve failed');
      return undefined;
    });
    if (info) await casInstance(deps.db, row.uuid, [taskState], { info_cache: JSON.stringify(info) });
  }
  const fresh = (await liveInstance(deps.db, row.uuid)) ?? row;
  const image = await shelvedImage(deps, row.uuid, req.context.token);
  const msg: InstanceMessage = {
    context: req.context,
    instance: await buildInstanceSpec(deps.db, fresh, { spec, ...(image && { image }) }),
    args: { ...req.args },
  };
  await castToHost(deps, fresh, host, AgentMethod.unshelve, msg);
}

/**
 * The snapshot shelving took, which an offloaded server comes back from (its disk is gone from every host),
 * with the download the agent's driver needs. None when shelving kept the disk (not offloaded) or made none.
 */
async function shelvedImage(deps: ComputeDeps, uuid: string, token?: string): Promise<ImageSpec | undefined> {
  const sys = (await systemMetadataOf(deps.db, [uuid])).get(uuid) ?? {};
  if (!sys.shelved_image_id) return undefined;
  const image = await deps.image.show({ token }, sys.shelved_image_id).catch(() => undefined);
  return image ? imageSpecOf(deps, image, token) : undefined;
}

/** Live migration to `targetHost` (checked) or a scheduled host other than the source. */
export async function liveMigrate(
  deps: ComputeDeps,
  req: ActRequest & { targetHost?: string; blockMigration?: boolean | 'auto' },
): Promise<void> {
  const before = await liveInstance(deps.db, req.uuid);
  if (!before) throw instanceNotFound(req.uuid);
  if (req.targetHost && req.targetHost === before.host)
    throw badRequest(`The target host can't be the same one: ${req.targetHost}.`);
  await requireComputeHost(deps, req.targetHost);
  const taskState = req.taskState ?? 'migrating';
  const row = await startAction(deps, { ...req, taskState });
  const event = 'conductor_live_migrate_instance';
  await startEvent(deps.db, { uuid: row.uuid, request_id: req.context.request_id }, event, null);
  const spec = await specOf(deps, row);
  const migrationUuid = randomUUID();
  let dest: Destination | undefined;
  try {
    dest = await claimDestination(deps, row, spec, migrationUuid, { targetHost: req.targetHost, avoidSource: true });
  } catch (err) {
    deps.log.warn({ err, instance: row.uuid }, 'scheduling a live migration failed');
  }
  if (!dest) {
    await noDestination(deps, { ...req, taskState }, event);
    return;
  }
  const now = new Date().toISOString();
  const flavor = parseJson<FlavorSnapshot>(row.flavor, {} as FlavorSnapshot);
  const migration = await insertMigration(deps, row, dest, {
    uuid: migrationUuid,
    old_instance_type_id: flavor.id ?? null,
    new_instance_type_id: flavor.id ?? null,
    status: 'running',
    migration_type: 'live-migration',
    created_at: now,
  });
  await finishEvent(deps.db, { uuid: row.uuid, request_id: req.context.request_id }, event, {
    result: 'Success',
    host: null,
  });
  if (dest.host !== row.host) await deps.network.bindPorts(row.uuid, dest.host).catch(() => undefined);
  const msg: InstanceMessage = {
    context: req.context,
    instance: await buildInstanceSpec(deps.db, row, { spec }),
    args: {
      ...req.args,
      dest_host: dest.host,
      dest_node: dest.node,
      migration_uuid: migrationUuid,
      block_migration: req.blockMigration ?? 'auto',
    },
  };
  await castToHost(deps, row, row.host, AgentMethod.liveMigrate, msg, migration);
}

/** The cast that starts a move on its host; nobody serving the host undoes the move's claim and task. */
async function castToHost(
  deps: ComputeDeps,
  row: InstanceRow,
  host: string | null,
  method: string,
  msg: InstanceMessage,
  migration?: MigrationRow,
): Promise<void> {
  try {
    if (!host) throw new NoConsumer({ topic: AGENT_TOPIC });
    await deps.bus.cast({ topic: AGENT_TOPIC, server: host }, method, msg);
  } catch (err) {
    if (!(err instanceof NoConsumer)) throw err;
    const fault = {
      code: 500,
      message: `Compute host ${host} is not reachable`,
      details: '',
      created: new Date().toISOString(),
    };
    await casInstance(deps.db, row.uuid, undefined, { task_state: null, fault: JSON.stringify(fault) });
    if (migration) {
      await deps.placement
        .move(migration.uuid, row.uuid, { project_id: row.project_id, user_id: row.user_id })
        .catch(() => {});
      await deps.db
        .updateTable('instance_migrations')
        .set({ status: 'error', updated_at: new Date().toISOString() })
        .where('id', '=', migration.id)
        .execute();
    }
    throw conflict(`Instance ${row.uuid} is not ready: its compute host ${host} is not available`);
  }
}
