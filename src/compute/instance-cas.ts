import type { Kysely, Transaction, Updateable } from 'kysely';
import type { ComputeTables, InstanceRow } from './tables.ts';

type Db = Kysely<ComputeTables> | Transaction<ComputeTables>;

/**
 * Nova's UnexpectedTaskStateError guard as one statement: the update applies only while the instance exists
 * and its task_state is one of `expected` (null meaning "no task"); the affected row count says whether it
 * did. Works the same on SQLite and PostgreSQL, and settles an agent's report racing a delete or a new action.
 */
export async function casInstance(
  db: Db,
  uuid: string,
  expected: readonly (string | null)[] | undefined,
  patch: Updateable<InstanceRow>,
): Promise<boolean> {
  let q = db
    .updateTable('instances')
    .set({ ...patch, updated_at: new Date().toISOString() })
    .where('uuid', '=', uuid)
    .where('deleted', '=', 0);
  if (expected) {
    const named = expected.filter((t): t is string => t !== null);
    const idle = expected.includes(null);
    q = q.where((eb) => {
      const ors = [];
      if (named.length) ors.push(eb('task_state', 'in', named));
      if (idle) ors.push(eb('task_state', 'is', null));
      return ors.length ? eb.or(ors) : eb.val(false);
    });
  }
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function liveInstance(db: Db, uuid: string): Promise<InstanceRow | undefined> {
  return db.selectFrom('instances').selectAll().where('uuid', '=', uuid).where('deleted', '=', 0).executeTakeFirst();
}

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
