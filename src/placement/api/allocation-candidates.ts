import type { ServiceApp } from '../../core/http/service.ts';
import { allocationCandidates } from '../candidates.ts';
import type { PlacementDeps } from '../deps.ts';
import { badRequest, CODES } from '../errors.ts';
import type { PlacementVersion } from '../microversion.ts';
import { requireVersion } from '../microversion.ts';
import type { ProviderFilter } from '../provider-filter.ts';
import {
  all,
  assertQueryKeys,
  isUuid,
  parseMemberOf,
  parseRequired,
  parseResources,
  positiveInt,
  type Query,
  single,
  traitNames,
} from '../query-params.ts';
import { assertResourceClasses } from '../store/resource-classes.ts';
import { assertTraitsExist } from '../store/traits.ts';

/**
 * GET /allocation_candidates (1.10): every provider that alone can satisfy `resources` (hosts are single-provider
 * trees here: no sharing providers or granular groups), filtered by traits and aggregates.
 */
export function allocationCandidateRoutes(app: ServiceApp, deps: PlacementDeps): void {
  app.get('/allocation_candidates', async (req) => {
    requireVersion(req, '1.10');
    req.ctx.enforce('placement:allocation_candidates:list');
    const v = req.placementVersion;
    const query = req.query as Query;
    assertQueryKeys(query, allowedKeys(v));
    const resourcesText = single(query, 'resources');
    if (resourcesText === undefined)
      throw badRequest("Invalid query string parameters: 'resources' is a required property", CODES.queryMissingValue);
    const filter: ProviderFilter = { resources: parseResources(resourcesText) };
    await assertResourceClasses(deps.db, Object.keys(filter.resources ?? {}));
    const required = [...all(query, 'required'), ...all(query, 'root_required')];
    if (required.length) {
      filter.required = parseRequired(required, v);
      await assertTraitsExist(deps.db, traitNames(filter.required));
    }
    const memberOf = all(query, 'member_of');
    if (memberOf.length) filter.memberOf = parseMemberOf(memberOf, v);
    const inTree = single(query, 'in_tree');
    if (inTree !== undefined) {
      if (!isUuid(inTree)) throw badRequest(`Invalid query string parameters: '${inTree}' is not a 'uuid'`);
      filter.inTree = inTree;
    }
    const limitText = single(query, 'limit');
    const limit = limitText === undefined ? undefined : positiveInt(limitText);
    const groupPolicy = single(query, 'group_policy');
    if (groupPolicy !== undefined && !['none', 'isolate'].includes(groupPolicy))
      throw badRequest(`Invalid query string parameters: '${groupPolicy}' is not one of ['none', 'isolate']`);
    return allocationCandidates(deps.db, filter, v, limit);
  });
}

function allowedKeys(v: PlacementVersion): string[] {
  const keys = ['resources'];
  if (v.atLeast('1.16')) keys.push('limit');
  if (v.atLeast('1.17')) keys.push('required');
  if (v.atLeast('1.21')) keys.push('member_of');
  if (v.atLeast('1.25')) keys.push('group_policy');
  if (v.atLeast('1.31')) keys.push('in_tree');
  if (v.atLeast('1.35')) keys.push('root_required');
  return keys;
}
