import type { ServiceApp } from '../../core/http/service.ts';
import { allocationCandidates } from '../candidates.ts';
import type { PlacementDeps } from '../deps.ts';
import { requireVersion } from '../microversion.ts';
import type { Query } from '../query-params.ts';
import { traitNames } from '../query-params.ts';
import { parseCandidateRequest } from '../request-groups.ts';
import { assertResourceClasses } from '../store/resource-classes.ts';
import { assertTraitsExist } from '../store/traits.ts';

/**
 * GET /allocation_candidates (1.10): every provider that alone can satisfy the request (hosts are
 * single-provider trees here: no sharing providers or nested trees), filtered by traits and aggregates.
 */
export function allocationCandidateRoutes(app: ServiceApp, deps: PlacementDeps): void {
  app.get('/allocation_candidates', async (req) => {
    requireVersion(req, '1.10');
    req.ctx.enforce('placement:allocation_candidates:list');
    const v = req.placementVersion;
    const request = parseCandidateRequest(req.query as Query, v);
    await assertResourceClasses(deps.db, Object.keys(request.filter.resources ?? {}));
    if (request.filter.required) await assertTraitsExist(deps.db, traitNames(request.filter.required));
    if (request.isolated) return { allocation_requests: [], provider_summaries: {} };
    return allocationCandidates(deps.db, request, v);
  });
}
