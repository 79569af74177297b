import type { Kysely } from 'kysely';

/** Per-project quota limits, and the per-project row quota checks lock. */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  // Only limits an admin set; every other resource of the project has the configured default.
  await db.schema
    .createTable('network_quotas')
    .addColumn('project_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('resource', 'varchar(64)', (c) => c.notNull())
    .addColumn('hard_limit', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('network_quotas_pk', ['project_id', 'resource'])
    .execute();

  // A create locks its project's row (SELECT ... FOR UPDATE on PostgreSQL) before counting, so two parallel
  // creates in one project cannot both see room for one more.
  await db.schema
    .createTable('network_quota_locks')
    .addColumn('project_id', 'varchar(255)', (c) => c.primaryKey())
    .execute();
}
