import { NotFound } from '../../core/errors.ts';
import { type ConsumerRow, extensionDb } from '../extension-tables.ts';
import { parseObject } from '../rows.ts';
import type { IdentityDb } from '../tables.ts';

export interface Consumer {
  id: string;
  description: string | null;
  [extra: string]: unknown;
}

/** The secret is left out: Keystone shows it once, in the answer to the create. */
export const consumerOf = (r: ConsumerRow): Consumer => ({
  ...parseObject(r.extra),
  id: r.id,
  description: r.description,
});

export async function getConsumer(db: IdentityDb, id: string): Promise<ConsumerRow> {
  const row = await extensionDb(db).selectFrom('oauth1_consumers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('Consumer not found');
  return row;
}

export function listConsumers(db: IdentityDb): Promise<ConsumerRow[]> {
  return extensionDb(db).selectFrom('oauth1_consumers').selectAll().orderBy('id').execute();
}

export async function createConsumer(db: IdentityDb, row: ConsumerRow): Promise<ConsumerRow> {
  await extensionDb(db).insertInto('oauth1_consumers').values(row).execute();
  return row;
}

export async function updateConsumer(
  db: IdentityDb,
  id: string,
  patch: (current: ConsumerRow) => Partial<ConsumerRow>,
): Promise<ConsumerRow> {
  return db.transaction().execute(async (trx) => {
    const current = await getConsumer(trx, id);
    const next = { ...current, ...patch(current), id, secret: current.secret };
    await extensionDb(trx).updateTable('oauth1_consumers').set(next).where('id', '=', id).execute();
    return next;
  });
}

export async function deleteConsumer(db: IdentityDb, id: string): Promise<void> {
  const res = await extensionDb(db).deleteFrom('oauth1_consumers').where('id', '=', id).executeTakeFirst();
  if (!res.numDeletedRows) throw new NotFound('Consumer not found');
}
