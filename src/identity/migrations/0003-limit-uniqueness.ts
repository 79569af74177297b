import { type Kysely, sql } from 'kysely';

/**
 * One registered limit per (service, region, resource) and one limit per registered limit and project or
 * domain. The stores check this before inserting; these indexes make two concurrent writers on PostgreSQL
 * unable to both win. COALESCE because a plain unique index treats every NULL region as distinct.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE UNIQUE INDEX registered_limits_triple
    ON registered_limits (service_id, COALESCE(region_id, ''), resource_name)`.execute(db);
  await sql`CREATE UNIQUE INDEX limits_triple_owner
    ON limits (service_id, COALESCE(region_id, ''), resource_name, COALESCE(project_id, ''), COALESCE(domain_id, ''))`.execute(
    db,
  );
}
