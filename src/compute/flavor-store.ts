import { randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from './errors.ts';
import type { Caller } from './request-caller.ts';
import type { ComputeDb, FlavorRow, FlavorSnapshot } from './tables.ts';

export const flavorNotFound = (id: string) => notFound(`Flavor ${id} could not be found.`);

/**
 * The live flavor with API id `id` as `caller` may see it: admins see every flavor; others public ones and the
 * private ones shared with their project (Nova answers 404 for the rest, never 403).
 */
export async function findFlavor(db: ComputeDb, id: string, caller?: Caller): Promise<FlavorRow> {
  const row = await db
    .selectFrom('flavors')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw flavorNotFound(id);
  if (caller && !caller.isAdmin && !row.is_public && !(await hasAccess(db, row.internal_id, caller.projectId)))
    throw flavorNotFound(id);
  return row;
}

async function hasAccess(db: ComputeDb, internalId: string, projectId: string): Promise<boolean> {
  const hit = await db
    .selectFrom('flavor_projects')
    .select('project_id')
    .where('flavor_id', '=', internalId)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return hit !== undefined;
}

/** Nova's sortable flavor columns (its model's names), mapped to ours. */
const SORT_COLUMNS: Record<string, keyof FlavorRow> = {
  flavorid: 'id',
  id: 'created_at',
  name: 'name',
  memory_mb: 'memory_mb',
  vcpus: 'vcpus',
  root_gb: 'root_gb',
  ephemeral_gb: 'ephemeral_gb',
  swap: 'swap',
  rxtx_factor: 'rxtx_factor',
  is_public: 'is_public',
  disabled: 'disabled',
  description: 'description',
  created_at: 'created_at',
  updated_at: 'updated_at',
  vcpu_weight: 'created_at',
};

export interface FlavorFilters {
  /** true: public ones plus those shared with the caller's project; false: private only; null: all. */
  isPublic: boolean | null;
  minRam?: number;
  minDisk?: number;
  sortKey: string;
  sortDir: string;
}

export async function listFlavors(db: ComputeDb, caller: Caller, f: FlavorFilters): Promise<FlavorRow[]> {
  const column = SORT_COLUMNS[f.sortKey];
  if (!column) throw badRequest(`Sort key supplied is invalid: ${f.sortKey}`);
  if (f.sortDir !== 'asc' && f.sortDir !== 'desc') throw badRequest("Unknown sort direction, must be 'desc' or 'asc'");
  let q = db.selectFrom('flavors').selectAll().where('deleted_at', 'is', null);
  if (f.isPublic === false) q = q.where('is_public', '=', 0);
  else if (f.isPublic === true) {
    const shared = db.selectFrom('flavor_projects').select('flavor_id').where('project_id', '=', caller.projectId);
    q = q.where((eb) => eb.or([eb('is_public', '=', 1), eb('internal_id', 'in', shared)]));
  }
  if (!caller.isAdmin) q = q.where('disabled', '=', 0);
  if (f.minRam !== undefined) q = q.where('memory_mb', '>=', f.minRam);
  if (f.minDisk !== undefined) q = q.where('root_gb', '>=', f.minDisk);
  return q.orderBy(column, f.sortDir).orderBy('internal_id', f.sortDir).execute();
}

export interface NewFlavor {
  id?: string | null;
  name: string;
  vcpus: number;
  memory_mb: number;
  root_gb: number;
  ephemeral_gb: number;
  swap: number;
  rxtx_factor: number;
  is_public: boolean;
  description?: string | null;
}

export async function createFlavor(db: ComputeDb, spec: NewFlavor): Promise<FlavorRow> {
  const row: FlavorRow = {
    internal_id: randomUUID(),
    id: spec.id ?? randomUUID(),
    name: spec.name,
    vcpus: spec.vcpus,
    memory_mb: spec.memory_mb,
    root_gb: spec.root_gb,
    ephemeral_gb: spec.ephemeral_gb,
    swap: spec.swap,
    rxtx_factor: spec.rxtx_factor,
    is_public: spec.is_public ? 1 : 0,
    disabled: 0,
    description: spec.description ?? null,
    created_at: new Date().toISOString(),
    updated_at: null,
    deleted_at: null,
  };
  await db.transaction().execute(async (trx) => {
    const live = trx.selectFrom('flavors').select(['id', 'name']).where('deleted_at', 'is', null);
    if (await live.where('name', '=', row.name).executeTakeFirst())
      throw conflict(`Flavor with name ${row.name} already exists.`);
    if (await live.where('id', '=', row.id).executeTakeFirst())
      throw conflict(`Flavor with ID ${row.id} already exists.`);
    await trx.insertInto('flavors').values(row).execute();
  });
  return row;
}

export async function updateFlavorDescription(db: ComputeDb, row: FlavorRow, description: string | null) {
  const updated_at = new Date().toISOString();
  await db.updateTable('flavors').set({ description, updated_at }).where('internal_id', '=', row.internal_id).execute();
  return { ...row, description, updated_at };
}

/** Soft delete: servers keep their snapshot, and the API id may be reused by a new flavor. */
export async function deleteFlavor(db: ComputeDb, row: FlavorRow): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('flavors')
      .set({ deleted_at: new Date().toISOString() })
      .where('internal_id', '=', row.internal_id)
      .execute();
    await trx.deleteFrom('flavor_projects').where('flavor_id', '=', row.internal_id).execute();
  });
}

export async function extraSpecsOf(db: ComputeDb, internalIds: string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  if (internalIds.length === 0) return out;
  for (const id of internalIds) out.set(id, {});
  // Chunks keep the IN list under SQLite's variable limit on long flavor lists.
  for (let i = 0; i < internalIds.length; i += 500) {
    const rows = await db
      .selectFrom('flavor_extra_specs')
      .selectAll()
      .where('flavor_id', 'in', internalIds.slice(i, i + 500))
      .orderBy('key')
      .execute();
    for (const r of rows) (out.get(r.flavor_id) as Record<string, string>)[r.key] = r.value;
  }
  return out;
}

/** The copy of `flavor` an instance carries (its `flavor` column): the flavor's sizes with its extra specs. */
export async function flavorSnapshotOf(db: ComputeDb, flavor: FlavorRow): Promise<FlavorSnapshot> {
  return {
    id: flavor.id,
    name: flavor.name,
    vcpus: flavor.vcpus,
    memory_mb: flavor.memory_mb,
    root_gb: flavor.root_gb,
    ephemeral_gb: flavor.ephemeral_gb,
    swap: flavor.swap,
    rxtx_factor: flavor.rxtx_factor,
    extra_specs: (await extraSpecsOf(db, [flavor.internal_id])).get(flavor.internal_id) ?? {},
  };
}

export async function setExtraSpecs(db: ComputeDb, internalId: string, specs: Record<string, string>) {
  await db.transaction().execute(async (trx) => {
    for (const [key, value] of Object.entries(specs)) {
      await trx.deleteFrom('flavor_extra_specs').where('flavor_id', '=', internalId).where('key', '=', key).execute();
      await trx.insertInto('flavor_extra_specs').values({ flavor_id: internalId, key, value }).execute();
    }
  });
}

export async function deleteExtraSpec(db: ComputeDb, internalId: string, key: string): Promise<boolean> {
  const res = await db
    .deleteFrom('flavor_extra_specs')
    .where('flavor_id', '=', internalId)
    .where('key', '=', key)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function accessList(db: ComputeDb, row: FlavorRow) {
  const rows = await db
    .selectFrom('flavor_projects')
    .select('project_id')
    .where('flavor_id', '=', row.internal_id)
    .orderBy('project_id')
    .execute();
  return rows.map((r) => ({ flavor_id: row.id, tenant_id: r.project_id }));
}

export async function addAccess(db: ComputeDb, row: FlavorRow, projectId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const had = await trx
      .selectFrom('flavor_projects')
      .select('project_id')
      .where('flavor_id', '=', row.internal_id)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    if (had) throw conflict(`Flavor access already exists for flavor ${row.id} and project ${projectId} combination.`);
    await trx.insertInto('flavor_projects').values({ flavor_id: row.internal_id, project_id: projectId }).execute();
  });
}

export async function removeAccess(db: ComputeDb, row: FlavorRow, projectId: string): Promise<void> {
  const res = await db
    .deleteFrom('flavor_projects')
    .where('flavor_id', '=', row.internal_id)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  if (Number(res.numDeletedRows) === 0)
    throw notFound(`Flavor access not found for ${row.id} / ${projectId} combination.`);
}
