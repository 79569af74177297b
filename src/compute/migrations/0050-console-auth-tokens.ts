import type { Kysely } from 'kysely';

/** Console tokens handed out by remote-consoles (Nova's console_auth_tokens): only the hash is kept. */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('console_auth_tokens')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('instance_uuid', 'varchar(36)', (c) => c.notNull())
    .addColumn('console_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('host', 'varchar(255)', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('internal', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('console_tokens_instance').on('console_auth_tokens').column('instance_uuid').execute();
}
