import { entryOf } from '../map-entry.ts';
import type { PlacementDb } from '../tables.ts';
import { bumpGeneration, getProvider } from './providers.ts';

export async function aggregatesOf(db: PlacementDb, rpUuid: string): Promise<string[]> {
  const rows = await db
    .selectFrom('placement_rp_aggregates')
    .select('aggregate_uuid')
    .where('rp_uuid', '=', rpUuid)
    .execute();
  return rows.map((r) => r.aggregate_uuid).sort();
}

/** Aggregates of every provider: `map.get(rp)`. */
export async function aggregatesByProvider(db: PlacementDb): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const r of await db.selectFrom('placement_rp_aggregates').selectAll().execute()) {
    entryOf(out, r.rp_uuid, () => new Set<string>()).add(r.aggregate_uuid);
  }
  return out;
}

/**
 * Replaces a provider's aggregates. With a generation (1.19+) the write is a compare-and-set and bumps it;
 * before 1.19 the generation is neither checked nor changed, as in Placement.
 */
export async function setProviderAggregates(
  db: PlacementDb,
  rpUuid: string,
  aggregates: readonly string[],
  generation?: number,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rp = await getProvider(trx, rpUuid);
    const next = generation === undefined ? rp.generation : await bumpGeneration(trx, rpUuid, generation);
    await trx.deleteFrom('placement_rp_aggregates').where('rp_uuid', '=', rpUuid).execute();
    const unique = [...new Set(aggregates)];
    if (unique.length)
      await trx
        .insertInto('placement_rp_aggregates')
        .values(unique.map((aggregate_uuid) => ({ rp_uuid: rpUuid, aggregate_uuid })))
        .execute();
    return next;
  });
}
