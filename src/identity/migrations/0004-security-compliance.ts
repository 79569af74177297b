import type { Kysely } from 'kysely';

/**
 * Keystone's [security_compliance] state. Failed password authentications are counted per user (lockout);
 * `password_self_service` says whether the current password was set by its owner, since only those are held to
 * the minimum password age. Passwords a user had before the current one are kept in `password_history` so a
 * self-service change can refuse a recent one; the current password stays in `users.password_hash`.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
  await db.schema.alterTable('users').addColumn('failed_auth_count', 'integer').execute();
  await db.schema.alterTable('users').addColumn('failed_auth_at', 'varchar(32)').execute();
  await db.schema
    .alterTable('users')
    .addColumn('password_self_service', 'integer', (c) => c.defaultTo(0))
    .execute();

  await db.schema
    .createTable('password_history')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('password_history_user')
    .on('password_history')
    .columns(['user_id', 'created_at'])
    .execute();
}
