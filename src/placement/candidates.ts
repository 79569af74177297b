import { capacityOf } from './capacity.ts';
import type { PlacementVersion } from './microversion.ts';
import { matchProviders } from './provider-filter.ts';
import type { CandidateRequest } from './request-groups.ts';
import type { PlacementDb } from './tables.ts';

/**
 * Allocation requests and provider summaries for the providers that can each take the whole request, oldest
 * first, at most `limit`. Every request group lands on the one provider, which `mappings` (1.34) records. The request shape follows the microversion: a list of `{resource_provider, resources}`
 * before 1.12, a dict by provider from 1.12, with `mappings` from 1.34.
 */
export async function allocationCandidates(
  db: PlacementDb,
  request: CandidateRequest,
  v: PlacementVersion,
): Promise<Record<string, unknown>> {
  const { filter, limit } = request;
  const matched = await db.transaction().execute((trx) => matchProviders(trx, filter));
  const chosen = limit === undefined ? matched.providers : matched.providers.slice(0, limit);
  const resources = filter.resources ?? {};
  const allocation_requests = chosen.map((p) => {
    if (!v.atLeast('1.12')) return { allocations: [{ resource_provider: { uuid: p.uuid }, resources }] };
    return {
      allocations: { [p.uuid]: { resources } },
      ...(v.atLeast('1.34') && { mappings: Object.fromEntries(request.suffixes.map((s) => [s, [p.uuid]])) }),
    };
  });
  const provider_summaries: Record<string, unknown> = {};
  for (const p of chosen) {
    const inventories = matched.inventories.get(p.uuid) ?? new Map();
    const used = matched.usage.get(p.uuid);
    const summary: Record<string, { capacity: number; used: number }> = {};
    for (const [rc, inv] of inventories) {
      if (!v.atLeast('1.27') && !(rc in resources)) continue;
      summary[rc] = { capacity: capacityOf(inv), used: used?.get(rc) ?? 0 };
    }
    provider_summaries[p.uuid] = {
      resources: summary,
      ...(v.atLeast('1.17') && { traits: [...(matched.traits.get(p.uuid) ?? [])].sort() }),
      ...(v.atLeast('1.29') && {
        parent_provider_uuid: p.parent_provider_uuid,
        root_provider_uuid: p.root_provider_uuid,
      }),
    };
  }
  return { allocation_requests, provider_summaries };
}
