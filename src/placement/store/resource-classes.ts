import { isUniqueViolation } from '../../core/db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { CUSTOM_NAME, STANDARD_RESOURCE_CLASSES } from '../standard-names.ts';
import type { PlacementDb } from '../tables.ts';
import { now } from './providers.ts';

const STANDARD = new Set(STANDARD_RESOURCE_CLASSES);

export const isStandardClass = (name: string) => STANDARD.has(name);

/** Standard classes first in their fixed order, then the custom ones by name. */
export async function listResourceClasses(db: PlacementDb): Promise<string[]> {
  const custom = await db.selectFrom('placement_resource_classes').select('name').orderBy('name').execute();
  return [...STANDARD_RESOURCE_CLASSES, ...custom.map((c) => c.name)];
}

export async function resourceClassExists(db: PlacementDb, name: string): Promise<boolean> {
  if (STANDARD.has(name)) return true;
  if (!CUSTOM_NAME.test(name)) return false;
  return !!(await db
    .selectFrom('placement_resource_classes')
    .select('name')
    .where('name', '=', name)
    .executeTakeFirst());
}

/** 400 naming the first class of `names` that Placement does not know. */
export async function assertResourceClasses(db: PlacementDb, names: Iterable<string>): Promise<void> {
  for (const name of new Set(names))
    if (!(await resourceClassExists(db, name))) throw badRequest(`Unknown resource class in inventory: ${name}`);
}

export function assertCustomName(name: string): void {
  if (!CUSTOM_NAME.test(name) || name.length > 255) throw badRequest(`'${name}' does not match '^CUSTOM_[A-Z0-9_]+$'`);
}

/** Creates a custom class; false when it was there already. */
export async function createResourceClass(db: PlacementDb, name: string): Promise<boolean> {
  if (STANDARD.has(name)) return false;
  try {
    await db.insertInto('placement_resource_classes').values({ name, created_at: now() }).execute();
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

export async function deleteResourceClass(db: PlacementDb, name: string): Promise<void> {
  if (STANDARD.has(name)) throw badRequest(`Cannot delete standard resource class ${name}: Class is standard`);
  await db.transaction().execute(async (trx) => {
    if (!(await resourceClassExists(trx, name))) throw notFound(`No such resource class ${name}.`);
    const inv = await trx
      .selectFrom('placement_inventories')
      .select('rp_uuid')
      .where('resource_class', '=', name)
      .executeTakeFirst();
    if (inv)
      throw conflict(
        `Error in delete resource class: Cannot delete resource class ${name}. Class is in use in inventory.`,
      );
    await trx.deleteFrom('placement_resource_classes').where('name', '=', name).execute();
  });
}

/** 1.2–1.6 rename of a custom class. */
export async function renameResourceClass(db: PlacementDb, from: string, to: string): Promise<void> {
  if (STANDARD.has(from)) throw badRequest(`Cannot update standard resource class ${from}`);
  await db.transaction().execute(async (trx) => {
    if (!(await resourceClassExists(trx, from))) throw notFound(`No such resource class ${from}.`);
    if (await resourceClassExists(trx, to)) throw conflict(`Resource class already exists: ${to}`);
    await trx.insertInto('placement_resource_classes').values({ name: to, created_at: now() }).execute();
    await trx
      .updateTable('placement_inventories')
      .set({ resource_class: to })
      .where('resource_class', '=', from)
      .execute();
    await trx
      .updateTable('placement_allocations')
      .set({ resource_class: to })
      .where('resource_class', '=', from)
      .execute();
    await trx.deleteFrom('placement_resource_classes').where('name', '=', from).execute();
  });
}
