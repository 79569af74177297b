import { sql } from 'kysely';
import type { NetworkDeps } from './deps.ts';
import { conflict } from './errors.ts';
import { hasTable } from './installed-tables.ts';
import { limitsOf } from './store/quotas.ts';
import type { NetworkDb } from './tables.ts';

/**
 * The table each quota resource counts rows of (the resource's project_id column). The keys are the resources
 * quotas know (Neutron's registered quota resources); their defaults are `network.quotas` in the configuration.
 */
export const QUOTA_TABLES: Record<string, string> = {
  network: 'networks',
  subnet: 'subnets',
  subnetpool: 'subnetpools',
  port: 'ports',
  router: 'routers',
  floatingip: 'floatingips',
  security_group: 'security_groups',
  security_group_rule: 'security_group_rules',
  rbac_policy: 'network_rbacs',
};

/** The resources a quota set shows, in Neutron's order. */
export function quotaResources(deps: NetworkDeps): string[] {
  return Object.keys(QUOTA_TABLES).filter((r) => r in deps.config.network.quotas);
}

/**
 * Neutron's quota check, inside the create's transaction: refuses (409 OverQuota) when the project's
 * count of `resource` plus `delta` would pass its limit. Bulk creates call it once per member in the same
 * transaction, so members already inserted count.
 */
export async function checkQuota(
  trx: NetworkDb,
  deps: NetworkDeps,
  projectId: string,
  resource: string,
  delta = 1,
): Promise<void> {
  const limits = await limitsOf(trx, deps, projectId);
  const limit = limits[resource];
  if (limit === undefined || limit < 0) return;
  await lockProject(trx, deps, projectId);
  const used = await usageOf(trx, deps, projectId, resource);
  if (used + delta > limit) throw conflict('OverQuota', `Quota exceeded for resources: ['${resource}'].`);
}

/**
 * Serialises quota checks of one project on PostgreSQL, where two transactions could otherwise both count
 * the same rows and both pass. SQLite runs one write transaction at a time already.
 */
async function lockProject(trx: NetworkDb, deps: NetworkDeps, projectId: string): Promise<void> {
  if (!deps.config.database.url) return;
  await trx
    .insertInto('network_quota_locks')
    .values({ project_id: projectId })
    .onConflict((oc) => oc.column('project_id').doNothing())
    .execute();
  await trx
    .selectFrom('network_quota_locks')
    .select('project_id')
    .where('project_id', '=', projectId)
    .forUpdate()
    .execute();
}

/** How many `resource` rows the project has; 0 while the resource's table does not exist yet. */
export async function usageOf(db: NetworkDb, deps: NetworkDeps, projectId: string, resource: string): Promise<number> {
  const table = QUOTA_TABLES[resource];
  if (!table || !(await hasTable(db, deps, table))) return 0;
  const row = await sql<{
    n: number | string;
  }>`select count(*) as n from ${sql.table(table)} where project_id = ${projectId}`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}
