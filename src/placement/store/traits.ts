import { isUniqueViolation } from '../../core/db/database.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { entryOf } from '../map-entry.ts';
import { CUSTOM_NAME, STANDARD_TRAITS } from '../standard-names.ts';
import type { PlacementDb } from '../tables.ts';
import { bumpGeneration, getProvider, now } from './providers.ts';

export async function customTraits(db: PlacementDb): Promise<string[]> {
  return (await db.selectFrom('placement_traits').select('name').execute()).map((r) => r.name);
}

/** The names of `names` that are neither standard nor created. */
export async function unknownTraits(db: PlacementDb, names: Iterable<string>): Promise<string[]> {
  const custom = [...new Set(names)].filter((n) => !STANDARD_TRAITS.has(n));
  if (custom.length === 0) return [];
  const known = new Set(
    (await db.selectFrom('placement_traits').select('name').where('name', 'in', custom).execute()).map((r) => r.name),
  );
  return custom.filter((n) => !known.has(n));
}

export async function assertTraitsExist(db: PlacementDb, names: Iterable<string>): Promise<void> {
  const missing = await unknownTraits(db, names);
  if (missing.length) throw badRequest(`No such trait(s): ${missing.join(', ')}.`);
}

export function assertCustomTrait(name: string): void {
  if (!CUSTOM_NAME.test(name) || name.length > 255)
    throw badRequest(
      'The trait is invalid. A valid trait must be no longer than 255 characters, start with the prefix "CUSTOM_" and use following characters: "A"-"Z", "0"-"9" and "_"',
    );
}

/** True when created, false when it existed already. */
export async function createTrait(db: PlacementDb, name: string): Promise<boolean> {
  if (STANDARD_TRAITS.has(name)) return false;
  try {
    await db.insertInto('placement_traits').values({ name, created_at: now() }).execute();
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

export async function deleteTrait(db: PlacementDb, name: string): Promise<void> {
  if (STANDARD_TRAITS.has(name)) throw badRequest(`Cannot delete standard trait ${name}.`);
  await db.transaction().execute(async (trx) => {
    if ((await unknownTraits(trx, [name])).length) throw notFound(`No such trait(s): ${name}`);
    const used = await trx
      .selectFrom('placement_rp_traits')
      .select('rp_uuid')
      .where('trait', '=', name)
      .executeTakeFirst();
    if (used) throw conflict(`The trait ${name} is in use by a resource provider.`);
    await trx.deleteFrom('placement_traits').where('name', '=', name).execute();
  });
}

export async function traitsOf(db: PlacementDb, rpUuid: string): Promise<string[]> {
  const rows = await db.selectFrom('placement_rp_traits').select('trait').where('rp_uuid', '=', rpUuid).execute();
  return rows.map((r) => r.trait).sort();
}

/** Traits of every provider: `map.get(rp)`. */
export async function traitsByProvider(db: PlacementDb): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const r of await db.selectFrom('placement_rp_traits').selectAll().execute()) {
    entryOf(out, r.rp_uuid, () => new Set<string>()).add(r.trait);
  }
  return out;
}

/** Replaces a provider's traits if `generation` is still current; returns the new generation. */
export async function setProviderTraits(
  db: PlacementDb,
  rpUuid: string,
  generation: number,
  traits: readonly string[],
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await getProvider(trx, rpUuid);
    await assertTraitsExist(trx, traits);
    const next = await bumpGeneration(trx, rpUuid, generation);
    await trx.deleteFrom('placement_rp_traits').where('rp_uuid', '=', rpUuid).execute();
    const unique = [...new Set(traits)];
    if (unique.length)
      await trx
        .insertInto('placement_rp_traits')
        .values(unique.map((trait) => ({ rp_uuid: rpUuid, trait })))
        .execute();
    return next;
  });
}

export async function clearProviderTraits(db: PlacementDb, rpUuid: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const rp = await getProvider(trx, rpUuid);
    await bumpGeneration(trx, rpUuid, rp.generation);
    await trx.deleteFrom('placement_rp_traits').where('rp_uuid', '=', rpUuid).execute();
  });
}
