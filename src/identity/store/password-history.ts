import { newId } from '../../core/ids.ts';
import type { IdentityDb, UserRow } from '../tables.ts';

/** The hashes of a user's earlier passwords, newest first (the current one is in `users.password_hash`). */
export async function previousPasswords(db: IdentityDb, userId: string, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const rows = await db
    .selectFrom('password_history')
    .select('password_hash')
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.password_hash);
}

/**
 * Called in the transaction that replaces `user`'s password: the outgoing one joins the history, and only the
 * newest `keep` stay (none when password history is off), as Keystone truncates its password list.
 */
export async function retirePassword(trx: IdentityDb, user: UserRow, keep: number): Promise<void> {
  if (keep > 0 && user.password_hash)
    await trx
      .insertInto('password_history')
      .values({
        id: newId(),
        user_id: user.id,
        password_hash: user.password_hash,
        created_at: user.password_created_at ?? new Date().toISOString(),
      })
      .execute();
  const stale = await trx
    .selectFrom('password_history')
    .select('id')
    .where('user_id', '=', user.id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(keep)
    .limit(1_000_000)
    .execute();
  if (stale.length)
    await trx
      .deleteFrom('password_history')
      .where(
        'id',
        'in',
        stale.map((r) => r.id),
      )
      .execute();
}
