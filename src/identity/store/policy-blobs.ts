import { NotFound } from '../../core/errors.ts';
import { extensionDb, type PolicyBlobRow } from '../extension-tables.ts';
import { parseObject } from '../rows.ts';
import type { IdentityDb } from '../tables.ts';

export interface PolicyBlob {
  id: string;
  type: string;
  blob: string;
  [extra: string]: unknown;
}

export const policyBlobOf = (r: PolicyBlobRow): PolicyBlob => ({
  ...parseObject(r.extra),
  id: r.id,
  type: r.type,
  blob: r.blob,
});

export async function getPolicyBlob(db: IdentityDb, id: string): Promise<PolicyBlobRow> {
  const row = await extensionDb(db).selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(`Could not find policy: ${id}.`);
  return row;
}

export async function listPolicyBlobs(db: IdentityDb, filter: { type?: string }): Promise<PolicyBlobRow[]> {
  let q = extensionDb(db).selectFrom('policies').selectAll().orderBy('id');
  if (filter.type !== undefined) q = q.where('type', '=', filter.type);
  return q.execute();
}

export async function createPolicyBlob(db: IdentityDb, row: PolicyBlobRow): Promise<PolicyBlobRow> {
  await extensionDb(db).insertInto('policies').values(row).execute();
  return row;
}

export async function updatePolicyBlob(
  db: IdentityDb,
  id: string,
  patch: (current: PolicyBlobRow) => Partial<PolicyBlobRow>,
): Promise<PolicyBlobRow> {
  return db.transaction().execute(async (trx) => {
    const current = await getPolicyBlob(trx, id);
    const next = { ...current, ...patch(current), id };
    await extensionDb(trx).updateTable('policies').set(next).where('id', '=', id).execute();
    return next;
  });
}

export async function deletePolicyBlob(db: IdentityDb, id: string): Promise<void> {
  const res = await extensionDb(db).deleteFrom('policies').where('id', '=', id).executeTakeFirst();
  if (!res.numDeletedRows) throw new NotFound(`Could not find policy: ${id}.`);
}
