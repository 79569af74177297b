import type { ComputeBase } from './deps.ts';

/** Nova's zone for services that are not nova-compute (scheduler, conductor): never a boot target. */
export const INTERNAL_ZONE = 'internal';

/**
 * The availability zone of each host that is in an aggregate with `availability_zone` metadata; hosts not
 * listed are in `config.compute.defaultAvailabilityZone`.
 */
export async function hostZones(deps: Pick<ComputeBase, 'db'>): Promise<Map<string, string>> {
  const rows = await deps.db
    .selectFrom('aggregate_hosts as h')
    .innerJoin('aggregate_metadata as m', 'm.aggregate_id', 'h.aggregate_id')
    .select(['h.host', 'm.value'])
    .where('m.key', '=', 'availability_zone')
    .orderBy('h.aggregate_id')
    .execute();
  const zones = new Map<string, string>();
  for (const r of rows) if (!zones.has(r.host)) zones.set(r.host, r.value);
  return zones;
}

export function zoneOf(deps: Pick<ComputeBase, 'config'>, zones: Map<string, string>, host: string, binary: string) {
  if (binary !== 'nova-compute') return INTERNAL_ZONE;
  return zones.get(host) ?? deps.config.compute.defaultAvailabilityZone;
}
