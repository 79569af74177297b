import { NotFound } from '../../core/errors.ts';
import { isExpired } from '../expiry-dates.ts';
import type { IdentityDb, TrustRow } from '../tables.ts';

const notFound = (id: string) => new NotFound(`Could not find trust: ${id}.`);

/**
 * A trust that can still be used, as Keystone's get_trust: deleted, expired and used-up trusts are all 404
 * (so are reads, deletes and role checks on them).
 */
export async function getLiveTrust(db: IdentityDb, id: string): Promise<TrustRow> {
  const row = await db
    .selectFrom('trusts')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row || isExpired(row.expires_at) || (row.remaining_uses !== null && row.remaining_uses <= 0)) throw notFound(id);
  return row;
}

/** A trust followed by the trusts it was redelegated from, nearest first. */
export async function trustPedigree(db: IdentityDb, trust: TrustRow): Promise<TrustRow[]> {
  const chain = [trust];
  for (let cur = trust; cur.redelegated_trust_id; ) {
    if (chain.some((t) => t.id === cur.redelegated_trust_id)) break;
    cur = await getLiveTrust(db, cur.redelegated_trust_id);
    chain.push(cur);
  }
  return chain;
}

/** Listings show every trust not deleted, expired ones included (Keystone's list_trusts). */
export async function listTrusts(
  db: IdentityDb,
  filter: { trustor_user_id?: string; trustee_user_id?: string },
): Promise<TrustRow[]> {
  let q = db.selectFrom('trusts').selectAll().where('deleted_at', 'is', null).orderBy('id');
  if (filter.trustor_user_id !== undefined) q = q.where('trustor_user_id', '=', filter.trustor_user_id);
  if (filter.trustee_user_id !== undefined) q = q.where('trustee_user_id', '=', filter.trustee_user_id);
  return q.execute();
}

export async function insertTrust(db: IdentityDb, row: TrustRow): Promise<TrustRow> {
  await db.insertInto('trusts').values(row).execute();
  return row;
}

/**
 * Soft-deletes a trust and, first, every trust redelegated from it (Keystone keeps the rows with deleted_at set).
 * Returns the ids deleted, so their tokens can be revoked.
 */
export async function deleteTrustTree(db: IdentityDb, id: string): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const doomed = [id];
    for (let i = 0; i < doomed.length; i++) {
      const kids = await trx
        .selectFrom('trusts')
        .select('id')
        .where('redelegated_trust_id', '=', doomed[i])
        .where('deleted_at', 'is', null)
        .execute();
      for (const k of kids) if (!doomed.includes(k.id)) doomed.push(k.id);
    }
    await trx
      .updateTable('trusts')
      .set({ deleted_at: new Date().toISOString() })
      .where('id', 'in', doomed)
      .where('deleted_at', 'is', null)
      .execute();
    return doomed;
  });
}

/** Keystone deletes (softly) every trust a user is trustor or trustee of when the user is deleted. */
export async function deleteTrustsForUser(db: IdentityDb, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('trusts')
    .select('id')
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('trustor_user_id', '=', userId), eb('trustee_user_id', '=', userId)]))
    .execute();
  const ids = rows.map((r) => r.id);
  if (ids.length > 0)
    await db.updateTable('trusts').set({ deleted_at: new Date().toISOString() }).where('id', 'in', ids).execute();
  return ids;
}

/** Keystone soft-deletes a project's trusts when the project is deleted. */
export async function deleteTrustsForProject(db: IdentityDb, projectId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('trusts')
    .select('id')
    .where('deleted_at', 'is', null)
    .where('project_id', '=', projectId)
    .execute();
  const ids = rows.map((r) => r.id);
  if (ids.length > 0)
    await db.updateTable('trusts').set({ deleted_at: new Date().toISOString() }).where('id', 'in', ids).execute();
  return ids;
}
