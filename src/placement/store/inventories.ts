import { MAX_INT } from '../body.ts';
import { badRequest, CODES, conflict, notFound } from '../errors.ts';
import type { InventoryRow, PlacementDb } from '../tables.ts';
import { bumpGeneration, getProvider } from './providers.ts';
import { assertResourceClasses } from './resource-classes.ts';

/** An inventory as clients send it; absent fields take Placement's defaults. */
export interface InventoryInput {
  total: number;
  reserved?: number;
  min_unit?: number;
  max_unit?: number;
  step_size?: number;
  allocation_ratio?: number;
}

export type InventoryFields = Omit<InventoryRow, 'rp_uuid' | 'resource_class'>;

export function inventoryView(row: InventoryFields): InventoryFields {
  return {
    total: row.total,
    reserved: row.reserved,
    min_unit: row.min_unit,
    max_unit: row.max_unit,
    step_size: row.step_size,
    allocation_ratio: row.allocation_ratio,
  };
}

/** Fills Placement's defaults (max_unit: the largest integer) and checks reserved against total (1.26 allows equal). */
export function withDefaults(
  rpUuid: string,
  rc: string,
  inv: InventoryInput,
  reservedMayEqualTotal: boolean,
): InventoryRow {
  const row: InventoryRow = {
    rp_uuid: rpUuid,
    resource_class: rc,
    total: inv.total,
    reserved: inv.reserved ?? 0,
    min_unit: inv.min_unit ?? 1,
    max_unit: inv.max_unit ?? MAX_INT,
    step_size: inv.step_size ?? 1,
    allocation_ratio: inv.allocation_ratio ?? 1.0,
  };
  if (reservedMayEqualTotal ? row.reserved > row.total : row.reserved >= row.total)
    throw badRequest(
      `Unable to update inventory for resource provider ${rpUuid}: Invalid inventory for '${rc}' on resource provider '${rpUuid}'. The reserved value is greater than ${reservedMayEqualTotal ? '' : 'or equal to '}total.`,
    );
  return row;
}

export async function inventoriesOf(db: PlacementDb, rpUuid: string): Promise<InventoryRow[]> {
  return db
    .selectFrom('placement_inventories')
    .selectAll()
    .where('rp_uuid', '=', rpUuid)
    .orderBy('resource_class')
    .execute();
}

/** Classes of `classes` that some consumer holds allocations of on this provider. */
async function classesInUse(db: PlacementDb, rpUuid: string, classes: readonly string[]): Promise<string[]> {
  if (classes.length === 0) return [];
  const rows = await db
    .selectFrom('placement_allocations')
    .select('resource_class')
    .distinct()
    .where('rp_uuid', '=', rpUuid)
    .where('resource_class', 'in', classes)
    .execute();
  return rows.map((r) => r.resource_class).sort();
}

const inUse = (rpUuid: string, classes: string[]) =>
  conflict(`Inventory for '${classes.join(', ')}' on resource provider '${rpUuid}' in use.`, CODES.inventoryInUse);

/**
 * PUT /inventories: the provider's whole inventory becomes `rows` if `generation` is current. A class that
 * disappears while consumers hold allocations of it → 409 placement.inventory.inuse. Returns the new generation.
 */
export async function replaceInventories(
  db: PlacementDb,
  rpUuid: string,
  generation: number,
  rows: readonly InventoryRow[],
): Promise<number> {
  return db.transaction().execute((trx) => replaceInventoriesIn(trx, rpUuid, generation, rows));
}

/** The same inside the caller's transaction (the reshaper replaces several providers' inventories in one). */
export async function replaceInventoriesIn(
  trx: PlacementDb,
  rpUuid: string,
  generation: number,
  rows: readonly InventoryRow[],
): Promise<number> {
  await getProvider(trx, rpUuid);
  await assertResourceClasses(
    trx,
    rows.map((r) => r.resource_class),
  );
  // The compare-and-set comes first: on PostgreSQL it also locks the provider row for this transaction.
  const next = await bumpGeneration(trx, rpUuid, generation);
  const current = await inventoriesOf(trx, rpUuid);
  const keep = new Set(rows.map((r) => r.resource_class));
  const dropped = current.map((c) => c.resource_class).filter((rc) => !keep.has(rc));
  const busy = await classesInUse(trx, rpUuid, dropped);
  if (busy.length) throw inUse(rpUuid, busy);
  if (dropped.length)
    await trx
      .deleteFrom('placement_inventories')
      .where('rp_uuid', '=', rpUuid)
      .where('resource_class', 'in', dropped)
      .execute();
  for (const row of rows) await upsertInventory(trx, row, current);
  return next;
}

async function upsertInventory(db: PlacementDb, row: InventoryRow, current: readonly InventoryRow[]): Promise<void> {
  if (current.some((c) => c.resource_class === row.resource_class)) {
    const { rp_uuid, resource_class, ...fields } = row;
    await db
      .updateTable('placement_inventories')
      .set(fields)
      .where('rp_uuid', '=', rp_uuid)
      .where('resource_class', '=', resource_class)
      .execute();
  } else await db.insertInto('placement_inventories').values(row).execute();
}

/** POST (create one class, 409 if present) or PUT /{rc} (update one class, 400 if absent). */
export async function writeOneInventory(
  db: PlacementDb,
  row: InventoryRow,
  generation: number,
  mode: 'create' | 'update',
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await getProvider(trx, row.rp_uuid);
    await assertResourceClasses(trx, [row.resource_class]);
    const next = await bumpGeneration(trx, row.rp_uuid, generation);
    const current = await inventoriesOf(trx, row.rp_uuid);
    const exists = current.some((c) => c.resource_class === row.resource_class);
    if (mode === 'create' && exists)
      throw conflict(
        `Update conflict: Inventory for '${row.resource_class}' on resource provider '${row.rp_uuid}' already exists.`,
        CODES.concurrentUpdate,
      );
    if (mode === 'update' && !exists)
      throw badRequest(`No inventory record with resource class for resource provider ${row.rp_uuid}`);
    await upsertInventory(trx, row, current);
    return next;
  });
}

/** DELETE /{rc}, or every class when `rc` is undefined (1.5). 404 for a class the provider has no inventory of. */
export async function deleteInventories(db: PlacementDb, rpUuid: string, rc?: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const rp = await getProvider(trx, rpUuid);
    await bumpGeneration(trx, rpUuid, rp.generation);
    const current = (await inventoriesOf(trx, rpUuid)).map((c) => c.resource_class);
    if (rc !== undefined && !current.includes(rc)) throw notFoundInventory(rpUuid, rc);
    const targets = rc === undefined ? current : [rc];
    const busy = await classesInUse(trx, rpUuid, targets);
    if (busy.length) throw inUse(rpUuid, busy);
    if (targets.length)
      await trx
        .deleteFrom('placement_inventories')
        .where('rp_uuid', '=', rpUuid)
        .where('resource_class', 'in', targets)
        .execute();
  });
}

export const notFoundInventory = (rpUuid: string, rc: string) =>
  notFound(`No inventory of class ${rc} found for resource provider ${rpUuid}`);
