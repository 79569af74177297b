import { isUniqueViolation } from '../../core/db/database.ts';
import { BadRequest, Conflict, Forbidden, NotFound } from '../../core/errors.ts';
import type { IdentityDb, RegisteredLimitRow } from '../tables.ts';

/** The identifying triple of a registered limit; a limit overrides the registered limit with the same triple. */
export interface LimitKey {
  service_id: string;
  region_id: string | null;
  resource_name: string;
}

/** Keystone's ValidationError wording for a reference to a row that does not exist. */
export const missingIn = (attribute: string, target: string) =>
  new BadRequest(
    `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is ` +
      'either malformed or otherwise incorrect. The client is assumed to be in error.',
  );

export const duplicateLimit = (type: 'registered_limit' | 'limit') =>
  new Conflict(`Conflict occurred attempting to store ${type} - Duplicate entry.`);

/** The unique indexes catch what a concurrent writer slipped in between our check and our insert. */
export const asDuplicate =
  (type: 'registered_limit' | 'limit') =>
  (err: unknown): never => {
    throw isUniqueViolation(err) ? duplicateLimit(type) : err;
  };

/** Registered limits and limits name a service and optionally a region that must exist (400 otherwise). */
export async function checkServiceAndRegion(
  db: IdentityDb,
  ref: { service_id?: string; region_id?: string | null },
  target: 'registered_limit' | 'limit',
): Promise<void> {
  if (ref.service_id !== undefined) {
    const s = await db.selectFrom('services').select('id').where('id', '=', ref.service_id).executeTakeFirst();
    if (!s) throw missingIn('service_id', target);
  }
  if (ref.region_id != null) {
    const r = await db.selectFrom('regions').select('id').where('id', '=', ref.region_id).executeTakeFirst();
    if (!r) throw missingIn('region_id', target);
  }
}

/**
 * The triple alone, as a Kysely filter object (`.where((eb) => eb.and(keyOf(row)))`): a null region_id becomes
 * `is null`, so it matches only rows without a region (SQL `=` would never match null).
 */
export const keyOf = (k: LimitKey): LimitKey => ({
  service_id: k.service_id,
  region_id: k.region_id,
  resource_name: k.resource_name,
});

export async function findRegisteredLimit(db: IdentityDb, key: LimitKey): Promise<RegisteredLimitRow | undefined> {
  return db
    .selectFrom('registered_limits')
    .selectAll()
    .where((eb) => eb.and(keyOf(key)))
    .executeTakeFirst();
}

export async function getRegisteredLimit(db: IdentityDb, id: string): Promise<RegisteredLimitRow> {
  const row = await db.selectFrom('registered_limits').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(`Could not find registered limit for ${id}.`);
  return row;
}

export async function listRegisteredLimits(
  db: IdentityDb,
  filter: { service_id?: string; region_id?: string; resource_name?: string },
): Promise<RegisteredLimitRow[]> {
  let q = db.selectFrom('registered_limits').selectAll().orderBy('id');
  if (filter.service_id !== undefined) q = q.where('service_id', '=', filter.service_id);
  if (filter.region_id !== undefined) q = q.where('region_id', '=', filter.region_id);
  if (filter.resource_name !== undefined) q = q.where('resource_name', '=', filter.resource_name);
  return q.execute();
}

/** All or nothing: one bad or duplicate entry (in the table or within the request) creates none. */
export async function createRegisteredLimits(
  db: IdentityDb,
  rows: RegisteredLimitRow[],
): Promise<RegisteredLimitRow[]> {
  return db.transaction().execute(async (trx) => {
    for (const row of rows) {
      await checkServiceAndRegion(trx, row, 'registered_limit');
      if (await findRegisteredLimit(trx, row)) throw duplicateLimit('registered_limit');
      await trx.insertInto('registered_limits').values(row).execute().catch(asDuplicate('registered_limit'));
    }
    return rows;
  });
}

async function refuseIfOverridden(db: IdentityDb, row: RegisteredLimitRow): Promise<void> {
  const overriding = await db
    .selectFrom('limits')
    .select('id')
    .where((eb) => eb.and(keyOf(row)))
    .executeTakeFirst();
  if (overriding)
    throw new Forbidden(
      `Unable to update or delete registered limit ${row.id} because there are project limits associated with it.`,
    );
}

export async function updateRegisteredLimit(
  db: IdentityDb,
  id: string,
  patch: Partial<Omit<RegisteredLimitRow, 'id'>>,
): Promise<RegisteredLimitRow> {
  return db.transaction().execute(async (trx) => {
    const current = await getRegisteredLimit(trx, id);
    const next = { ...current, ...patch, id };
    // Limits point at a registered limit through its triple: changing it would orphan them. (Keystone refuses
    // any update then, even of the default; only a changed triple can do harm, so only that is refused here.)
    const moved = (['service_id', 'region_id', 'resource_name'] as const).some((k) => next[k] !== current[k]);
    if (moved) await refuseIfOverridden(trx, current);
    await checkServiceAndRegion(trx, patch, 'registered_limit');
    const clash = await findRegisteredLimit(trx, next);
    if (clash && clash.id !== id) throw duplicateLimit('registered_limit');
    await trx
      .updateTable('registered_limits')
      .set(next)
      .where('id', '=', id)
      .execute()
      .catch(asDuplicate('registered_limit'));
    return next;
  });
}

export async function deleteRegisteredLimit(db: IdentityDb, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await refuseIfOverridden(trx, await getRegisteredLimit(trx, id));
    await trx.deleteFrom('registered_limits').where('id', '=', id).execute();
  });
}
