import { isUniqueViolation } from '../../core/db/database.ts';
import { BadRequest, Conflict, NotFound } from '../../core/errors.ts';
import { parseObject } from '../rows.ts';
import type { IdentityDb, RegionRow } from '../tables.ts';

export interface Region {
  id: string;
  description: string;
  parent_region_id: string | null;
  [extra: string]: unknown;
}

export const regionOf = (r: RegionRow): Region => ({
  ...parseObject(r.extra),
  id: r.id,
  description: r.description,
  parent_region_id: r.parent_region_id,
});

export async function getRegion(db: IdentityDb, id: string): Promise<RegionRow> {
  const row = await db.selectFrom('regions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(`Could not find region: ${id}.`);
  return row;
}

export async function listRegions(db: IdentityDb, filter: { parent_region_id?: string }): Promise<RegionRow[]> {
  let q = db.selectFrom('regions').selectAll().orderBy('id');
  if (filter.parent_region_id !== undefined) q = q.where('parent_region_id', '=', filter.parent_region_id);
  return q.execute();
}

export async function createRegion(db: IdentityDb, row: RegionRow): Promise<RegionRow> {
  return db.transaction().execute(async (trx) => {
    if (row.parent_region_id) await getRegion(trx, row.parent_region_id);
    try {
      await trx.insertInto('regions').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict(`Duplicate ID, ${row.id}.`);
      throw err;
    }
    return row;
  });
}

export async function updateRegion(db: IdentityDb, id: string, patch: Partial<RegionRow>): Promise<RegionRow> {
  return db.transaction().execute(async (trx) => {
    const current = await getRegion(trx, id);
    if (patch.parent_region_id) {
      await getRegion(trx, patch.parent_region_id);
      await refuseCycle(trx, id, patch.parent_region_id);
    }
    const next = { ...current, ...patch };
    await trx.updateTable('regions').set(next).where('id', '=', id).execute();
    return next;
  });
}

/** Keystone removes a region's whole subtree with it. */
export async function deleteRegion(db: IdentityDb, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getRegion(trx, id);
    const doomed = [id];
    for (let i = 0; i < doomed.length; i++) {
      const kids = await trx.selectFrom('regions').select('id').where('parent_region_id', '=', doomed[i]).execute();
      doomed.push(...kids.map((k) => k.id));
    }
    await trx.deleteFrom('regions').where('id', 'in', doomed).execute();
  });
}

async function refuseCycle(db: IdentityDb, id: string, parentId: string): Promise<void> {
  for (let cur: string | null = parentId; cur; ) {
    if (cur === id)
      throw new BadRequest(`The specified parent region ${parentId} would cause a circular region hierarchy.`);
    const row: { parent_region_id: string | null } | undefined = await db
      .selectFrom('regions')
      .select('parent_region_id')
      .where('id', '=', cur)
      .executeTakeFirst();
    cur = row?.parent_region_id ?? null;
  }
}
