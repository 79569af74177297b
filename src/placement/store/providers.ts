import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../core/db/database.ts';
import { badRequest, CODES, concurrentUpdate, conflict, providerNotFound } from '../errors.ts';
import type { PlacementDb, ProviderRow } from '../tables.ts';

export const now = () => new Date().toISOString();

export async function findProvider(db: PlacementDb, uuid: string): Promise<ProviderRow | undefined> {
  return db.selectFrom('placement_resource_providers').selectAll().where('uuid', '=', uuid).executeTakeFirst();
}

export async function getProvider(db: PlacementDb, uuid: string): Promise<ProviderRow> {
  const row = await findProvider(db, uuid);
  if (!row) throw providerNotFound(uuid);
  return row;
}

/** Every provider, oldest first: the order lists and allocation candidates come in. */
export async function allProviders(db: PlacementDb): Promise<ProviderRow[]> {
  return db.selectFrom('placement_resource_providers').selectAll().orderBy('created_at').orderBy('uuid').execute();
}

export interface NewProvider {
  name: string;
  uuid?: string;
  parent_provider_uuid?: string | null;
}

export async function createProvider(db: PlacementDb, input: NewProvider): Promise<ProviderRow> {
  const uuid = input.uuid ?? randomUUID();
  return db.transaction().execute(async (trx) => {
    let root = uuid;
    if (input.parent_provider_uuid) {
      const parent = await findProvider(trx, input.parent_provider_uuid);
      if (!parent) throw badRequest(`parent provider UUID ${input.parent_provider_uuid} does not exist.`);
      root = parent.root_provider_uuid;
    }
    await assertUnique(trx, uuid, input.name);
    const ts = now();
    const row: ProviderRow = {
      uuid,
      name: input.name,
      generation: 0,
      parent_provider_uuid: input.parent_provider_uuid ?? null,
      root_provider_uuid: root,
      created_at: ts,
      updated_at: ts,
    };
    try {
      await trx.insertInto('placement_resource_providers').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate(input.name, uuid);
      throw err;
    }
    return row;
  });
}

async function assertUnique(db: PlacementDb, uuid: string, name: string, except?: string): Promise<void> {
  const clash = await db
    .selectFrom('placement_resource_providers')
    .select(['uuid', 'name'])
    .where((eb) => eb.or([eb('uuid', '=', uuid), eb('name', '=', name)]))
    .execute();
  const other = clash.find((c) => c.uuid !== except);
  if (other) throw duplicate(name, uuid, other.uuid === uuid ? 'uuid' : 'name');
}

const duplicate = (name: string, uuid: string, which: 'uuid' | 'name' = 'name') =>
  conflict(
    `Conflicting resource provider ${which} ${which === 'name' ? name : uuid} already exists.`,
    CODES.duplicateName,
  );

/** Renames and (from 1.14) sets the parent; the generation stays, as in Placement. */
export async function updateProvider(
  db: PlacementDb,
  uuid: string,
  input: { name: string; parent_provider_uuid?: string | null },
  allowReparent: boolean,
): Promise<ProviderRow> {
  return db.transaction().execute(async (trx) => {
    const row = await getProvider(trx, uuid);
    await assertUnique(trx, uuid, input.name, uuid);
    const changes: Partial<ProviderRow> = { name: input.name, updated_at: now() };
    if (input.parent_provider_uuid !== undefined && input.parent_provider_uuid !== row.parent_provider_uuid) {
      if (row.parent_provider_uuid && !allowReparent)
        throw badRequest('re-parenting a provider is not currently allowed.');
      if (input.parent_provider_uuid === null) {
        if (!allowReparent) throw badRequest('un-parenting a provider is not currently allowed.');
        changes.parent_provider_uuid = null;
        changes.root_provider_uuid = uuid;
      } else {
        const parent = await findProvider(trx, input.parent_provider_uuid);
        if (!parent) throw badRequest(`parent provider UUID ${input.parent_provider_uuid} does not exist.`);
        if (parent.root_provider_uuid === row.root_provider_uuid && (await isDescendant(trx, parent.uuid, uuid)))
          throw badRequest('creating loop in the provider tree is not allowed.');
        changes.parent_provider_uuid = parent.uuid;
        changes.root_provider_uuid = parent.root_provider_uuid;
      }
    }
    try {
      await trx.updateTable('placement_resource_providers').set(changes).where('uuid', '=', uuid).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate(input.name, uuid);
      throw err;
    }
    if (changes.root_provider_uuid && changes.root_provider_uuid !== row.root_provider_uuid)
      await rerootSubtree(trx, uuid, changes.root_provider_uuid);
    return { ...row, ...changes };
  });
}

/** True when `candidate` is `ancestor` itself or below it. */
async function isDescendant(db: PlacementDb, candidate: string, ancestor: string): Promise<boolean> {
  let at: string | null = candidate;
  for (let depth = 0; at && depth < 1000; depth++) {
    if (at === ancestor) return true;
    const row: { parent_provider_uuid: string | null } | undefined = await db
      .selectFrom('placement_resource_providers')
      .select('parent_provider_uuid')
      .where('uuid', '=', at)
      .executeTakeFirst();
    at = row?.parent_provider_uuid ?? null;
  }
  return false;
}

async function rerootSubtree(db: PlacementDb, top: string, root: string): Promise<void> {
  let level = [top];
  while (level.length) {
    const children = await db
      .selectFrom('placement_resource_providers')
      .select('uuid')
      .where('parent_provider_uuid', 'in', level)
      .execute();
    level = children.map((c) => c.uuid);
    if (level.length)
      await db
        .updateTable('placement_resource_providers')
        .set({ root_provider_uuid: root })
        .where('uuid', 'in', level)
        .execute();
  }
}

export async function deleteProvider(db: PlacementDb, uuid: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const rp = await getProvider(trx, uuid);
    // Taken first: on PostgreSQL the update locks the row, so an allocation write racing this delete either
    // committed before (and is seen below) or waits and then finds no provider.
    await bumpGeneration(trx, uuid, rp.generation);
    const used = await trx
      .selectFrom('placement_allocations')
      .select('consumer_uuid')
      .where('rp_uuid', '=', uuid)
      .executeTakeFirst();
    if (used)
      throw conflict(
        `Unable to delete resource provider ${uuid}: Resource provider has allocations.`,
        CODES.providerInUse,
      );
    const child = await trx
      .selectFrom('placement_resource_providers')
      .select('uuid')
      .where('parent_provider_uuid', '=', uuid)
      .executeTakeFirst();
    if (child)
      throw conflict(
        `Unable to delete parent resource provider ${uuid}: It has child resource providers.`,
        CODES.cannotDeleteParent,
      );
    await trx.deleteFrom('placement_inventories').where('rp_uuid', '=', uuid).execute();
    await trx.deleteFrom('placement_rp_traits').where('rp_uuid', '=', uuid).execute();
    await trx.deleteFrom('placement_rp_aggregates').where('rp_uuid', '=', uuid).execute();
    await trx.deleteFrom('placement_resource_providers').where('uuid', '=', uuid).execute();
  });
}

/**
 * Compare-and-set of a provider's generation: the change the caller is making counts only if nobody else changed
 * the provider since `expected` was read (or sent by the client). Returns the new generation.
 */
export async function bumpGeneration(db: PlacementDb, uuid: string, expected: number): Promise<number> {
  const res = await db
    .updateTable('placement_resource_providers')
    .set({ generation: expected + 1, updated_at: now() })
    .where('uuid', '=', uuid)
    .where('generation', '=', expected)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) {
    if (!(await findProvider(db, uuid))) throw providerNotFound(uuid);
    throw concurrentUpdate();
  }
  return expected + 1;
}
