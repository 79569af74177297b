import type { ServiceApp } from '../../core/http/service.ts';
import type { PlacementDeps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { entryOf } from '../map-entry.ts';
import { requireVersion } from '../microversion.ts';
import { assertQueryKeys, type Query, single } from '../query-params.ts';
import { inventoriesOf } from '../store/inventories.ts';
import { getProvider } from '../store/providers.ts';

interface UuidParams {
  uuid: string;
}

/** Usage of one provider (every class it has inventory of, 0 when unused) and of a project/user (1.9). */
export function usageRoutes(app: ServiceApp, deps: PlacementDeps): void {
  app.get<{ Params: UuidParams }>('/resource_providers/:uuid/usages', async (req) => {
    req.ctx.enforce('placement:resource_providers:usages');
    const rp = await getProvider(deps.db, req.params.uuid);
    const usages: Record<string, number> = {};
    for (const inv of await inventoriesOf(deps.db, rp.uuid)) usages[inv.resource_class] = 0;
    const rows = await deps.db
      .selectFrom('placement_allocations')
      .select(['resource_class', (eb) => eb.fn.sum<number>('used').as('used')])
      .where('rp_uuid', '=', rp.uuid)
      .groupBy('resource_class')
      .execute();
    for (const r of rows) usages[r.resource_class] = Number(r.used);
    return { usages, resource_provider_generation: rp.generation };
  });

  app.get('/usages', async (req) => {
    requireVersion(req, '1.9');
    req.ctx.enforce('placement:usages');
    const v = req.placementVersion;
    const query = req.query as Query;
    assertQueryKeys(query, v.atLeast('1.38') ? ['project_id', 'user_id', 'consumer_type'] : ['project_id', 'user_id']);
    const project = single(query, 'project_id');
    if (!project) throw badRequest("Invalid query string parameters: 'project_id' is a required property");
    const user = single(query, 'user_id');
    const consumerType = single(query, 'consumer_type');
    let q = deps.db
      .selectFrom('placement_allocations')
      .innerJoin('placement_consumers as c', 'c.uuid', 'placement_allocations.consumer_uuid')
      .select(['resource_class', 'consumer_uuid', 'used', 'c.consumer_type'])
      .where('c.project_id', '=', project);
    if (user) q = q.where('c.user_id', '=', user);
    const rows = await q.execute();
    if (!v.atLeast('1.38')) {
      const usages: Record<string, number> = {};
      for (const r of rows) usages[r.resource_class] = (usages[r.resource_class] ?? 0) + r.used;
      return { usages };
    }
    // 1.38: grouped by consumer type ('unknown' for consumers written without one), each with its consumer count.
    const groups = new Map<string, { consumers: Set<string>; sums: Record<string, number> }>();
    for (const r of rows) {
      const type = r.consumer_type ?? 'unknown';
      if (consumerType && consumerType !== 'all' && consumerType !== type) continue;
      for (const key of consumerType === 'all' ? ['all'] : [type]) {
        const g = entryOf(groups, key, () => ({ consumers: new Set<string>(), sums: {} as Record<string, number> }));
        g.consumers.add(r.consumer_uuid);
        g.sums[r.resource_class] = (g.sums[r.resource_class] ?? 0) + r.used;
      }
    }
    return {
      usages: Object.fromEntries(
        [...groups].map(([type, g]) => [type, { consumer_count: g.consumers.size, ...g.sums }]),
      ),
    };
  });
}
