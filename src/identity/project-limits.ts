import type { Bus, Subscription } from '../core/bus/bus.ts';
import { LIMITS_METHOD, LIMITS_TOPIC, type LimitsQuery } from '../core/quotas/unified-limits.ts';
import type { IdentityDb } from './tables.ts';

/**
 * Keystone's unified limits as the other services enforce them (what oslo.limit reads over the API): for
 * one project and one service type, each resource's project limit, else its registered default. Limits of
 * another region are ignored; a limit without a region applies everywhere. Flat enforcement model: a
 * parent project's limit does not bound its children.
 */
export async function effectiveLimits(
  db: IdentityDb,
  region: string,
  { service_type, project_id }: LimitsQuery,
): Promise<Record<string, number>> {
  const services = await db.selectFrom('services').select('id').where('type', '=', service_type).execute();
  if (services.length === 0) return {};
  const serviceIds = services.map((s) => s.id);
  const inRegion = (r: string | null) => r === null || r === region;
  const out: Record<string, number> = {};
  const defaults = await db
    .selectFrom('registered_limits')
    .select(['resource_name', 'default_limit', 'region_id'])
    .where('service_id', 'in', serviceIds)
    .execute();
  for (const row of defaults) if (inRegion(row.region_id)) out[row.resource_name] = row.default_limit;
  const own = await db
    .selectFrom('limits')
    .select(['resource_name', 'resource_limit', 'region_id'])
    .where('service_id', 'in', serviceIds)
    .where('project_id', '=', project_id)
    .execute();
  for (const row of own) if (inRegion(row.region_id)) out[row.resource_name] = row.resource_limit;
  return out;
}

/** Answers other services' limit queries on the bus (they never read identity's tables). */
export function serveLimits(bus: Bus, db: IdentityDb, region: string): Subscription {
  return bus.serve(
    { topic: LIMITS_TOPIC },
    { [LIMITS_METHOD]: (payload) => effectiveLimits(db, region, payload as LimitsQuery) },
  );
}
