import type { PlacementVersion } from '../microversion.ts';
import type { PlacementDb } from '../tables.ts';

/** GET /allocations/{consumer}: per provider its generation and resources; owner fields by microversion. */
export async function allocationsOfConsumer(
  db: PlacementDb,
  consumer: string,
  v: PlacementVersion,
): Promise<Record<string, unknown>> {
  const rows = await db
    .selectFrom('placement_allocations')
    .innerJoin('placement_resource_providers as rp', 'rp.uuid', 'placement_allocations.rp_uuid')
    .select(['placement_allocations.rp_uuid', 'resource_class', 'used', 'rp.generation'])
    .where('consumer_uuid', '=', consumer)
    .orderBy('resource_class')
    .execute();
  const allocations: Record<string, { generation: number; resources: Record<string, number> }> = {};
  for (const r of rows) {
    allocations[r.rp_uuid] = allocations[r.rp_uuid] ?? { generation: r.generation, resources: {} };
    allocations[r.rp_uuid].resources[r.resource_class] = r.used;
  }
  if (rows.length === 0 || !v.atLeast('1.12')) return { allocations };
  const owner = await db.selectFrom('placement_consumers').selectAll().where('uuid', '=', consumer).executeTakeFirst();
  return {
    allocations,
    project_id: owner?.project_id ?? '',
    user_id: owner?.user_id ?? '',
    ...(v.atLeast('1.28') && { consumer_generation: owner?.generation ?? null }),
    ...(v.atLeast('1.38') && { consumer_type: owner?.consumer_type ?? 'unknown' }),
  };
}

/** GET /resource_providers/{uuid}/allocations: `{consumer: {resources: {rc: n}, consumer_generation (1.28)}}`. */
export async function allocationsOnProvider(
  db: PlacementDb,
  rpUuid: string,
  v: PlacementVersion,
): Promise<Record<string, { resources: Record<string, number>; consumer_generation?: number | null }>> {
  const rows = await db
    .selectFrom('placement_allocations')
    .leftJoin('placement_consumers as c', 'c.uuid', 'placement_allocations.consumer_uuid')
    .select(['consumer_uuid', 'resource_class', 'used', 'c.generation'])
    .where('rp_uuid', '=', rpUuid)
    .orderBy('consumer_uuid')
    .orderBy('resource_class')
    .execute();
  const out: Record<string, { resources: Record<string, number>; consumer_generation?: number | null }> = {};
  for (const r of rows) {
    out[r.consumer_uuid] = out[r.consumer_uuid] ?? {
      resources: {},
      ...(v.atLeast('1.28') && { consumer_generation: r.generation ?? null }),
    };
    out[r.consumer_uuid].resources[r.resource_class] = r.used;
  }
  return out;
}
