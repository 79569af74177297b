import type { NetworkDeps } from '../deps.ts';
import type { NetworkDb } from '../tables.ts';

/** The project's limits: the configured defaults, replaced by what an admin set for it. */
export async function limitsOf(db: NetworkDb, deps: NetworkDeps, projectId: string): Promise<Record<string, number>> {
  const limits = { ...deps.config.network.quotas };
  const rows = await db
    .selectFrom('network_quotas')
    .select(['resource', 'hard_limit'])
    .where('project_id', '=', projectId)
    .execute();
  for (const r of rows) if (r.resource in limits) limits[r.resource] = r.hard_limit;
  return limits;
}

/** Every project with at least one limit set, with its full quota set (GET /v2.0/quotas). */
export async function projectsWithQuotas(
  db: NetworkDb,
  deps: NetworkDeps,
): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  const rows = await db.selectFrom('network_quotas').selectAll().orderBy('project_id').execute();
  for (const r of rows) {
    const limits = out.get(r.project_id) ?? { ...deps.config.network.quotas };
    if (r.resource in limits) limits[r.resource] = r.hard_limit;
    out.set(r.project_id, limits);
  }
  return out;
}

export async function setLimit(db: NetworkDb, projectId: string, resource: string, limit: number): Promise<void> {
  await db
    .insertInto('network_quotas')
    .values({ project_id: projectId, resource, hard_limit: limit })
    .onConflict((oc) => oc.columns(['project_id', 'resource']).doUpdateSet({ hard_limit: limit }))
    .execute();
}

/** Removes the project's limits; false when it had none. */
export async function deleteLimits(db: NetworkDb, projectId: string): Promise<boolean> {
  const res = await db.deleteFrom('network_quotas').where('project_id', '=', projectId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}
