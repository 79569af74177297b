import { badRequest, CODES } from './errors.ts';
import type { PlacementVersion } from './microversion.ts';
import type { ProviderFilter } from './provider-filter.ts';
import {
  all,
  assertQueryKeys,
  isUuid,
  type MemberOfSpec,
  parseMemberOf,
  parseRequired,
  parseResources,
  positiveInt,
  type Query,
  single,
  type TraitSpec,
} from './query-params.ts';

/** One request group of GET /allocation_candidates: unsuffixed (`resources`) or granular (`resources1`, 1.25). */
interface RequestGroup {
  suffix: string;
  resources: Record<string, number>;
  required?: TraitSpec;
  memberOf?: MemberOfSpec;
  inTree?: string;
}

export interface CandidateRequest {
  /** What one provider must satisfy: every group's amounts summed, traits and aggregates of all groups. */
  filter: ProviderFilter;
  /** The groups' suffixes ('' for the unsuffixed one), for 1.34's `mappings`. */
  suffixes: string[];
  limit?: number;
  /** True when `group_policy=isolate` asks several granular groups to land on different providers. */
  isolated: boolean;
}

const GROUP_KEYS = ['resources', 'required', 'member_of', 'in_tree'] as const;

/**
 * Reads the query of GET /allocation_candidates at its microversion. Hosts here are single-provider trees, so
 * every group is satisfied by the same provider: the groups are merged into one filter, and isolating two
 * granular groups leaves no candidate.
 */
export function parseCandidateRequest(query: Query, v: PlacementVersion): CandidateRequest {
  const suffixPattern = v.atLeast('1.33') ? /^[a-zA-Z0-9_-]{1,64}$/ : /^[1-9]\d*$/;
  const global = ['limit', 'group_policy', 'root_required', 'same_subtree'];
  const since: Record<string, string> = {
    required: '1.17',
    member_of: '1.21',
    in_tree: '1.31',
    limit: '1.16',
    group_policy: '1.25',
    root_required: '1.35',
    same_subtree: '1.36',
  };
  const bySuffix = new Map<string, Partial<Record<(typeof GROUP_KEYS)[number], true>>>();
  const allowed: string[] = [];
  for (const key of Object.keys(query)) {
    const base = GROUP_KEYS.find((k) => key === k || (key.startsWith(k) && suffixPattern.test(key.slice(k.length))));
    const known = base ?? (global.includes(key) ? key : undefined);
    if (!known || (since[known] && !v.atLeast(since[known]))) continue;
    if (base && key !== base && !v.atLeast('1.25')) continue;
    allowed.push(key);
    if (base) {
      const suffix = key.slice(base.length);
      bySuffix.set(suffix, { ...bySuffix.get(suffix), [base]: true });
    }
  }
  assertQueryKeys(query, allowed);

  const groups: RequestGroup[] = [];
  for (const [suffix, keys] of bySuffix) {
    const text = single(query, `resources${suffix}`);
    if (text === undefined) {
      if (suffix === '' && !v.atLeast('1.25'))
        throw badRequest(
          "Invalid query string parameters: 'resources' is a required property",
          CODES.queryMissingValue,
        );
      throw badRequest(`All request groups must specify resources. Group '${suffix}' does not.`);
    }
    const group: RequestGroup = { suffix, resources: parseResources(text) };
    if (keys.required) group.required = parseRequired(all(query, `required${suffix}`), v);
    if (keys.member_of) group.memberOf = parseMemberOf(all(query, `member_of${suffix}`), v);
    const inTree = single(query, `in_tree${suffix}`);
    if (inTree !== undefined) {
      if (!isUuid(inTree)) throw badRequest(`Invalid query string parameters: '${inTree}' is not a 'uuid'`);
      group.inTree = inTree;
    }
    groups.push(group);
  }
  if (groups.length === 0)
    throw badRequest(
      v.atLeast('1.25')
        ? 'At least one `resources[$S]` parameter must be supplied.'
        : "Invalid query string parameters: 'resources' is a required property",
      CODES.queryMissingValue,
    );

  const granular = groups.filter((g) => g.suffix !== '');
  const groupPolicy = single(query, 'group_policy');
  if (groupPolicy !== undefined && !['none', 'isolate'].includes(groupPolicy))
    throw badRequest(`Invalid query string parameters: '${groupPolicy}' is not one of ['none', 'isolate']`);
  if (granular.length > 1 && groupPolicy === undefined)
    throw badRequest(
      'The "group_policy" parameter is required when specifying more than one "resources{N}" parameter.',
    );
  const limitText = single(query, 'limit');
  const rootRequired = all(query, 'root_required');
  return {
    filter: mergeGroups(groups, rootRequired.length ? parseRequired(rootRequired, v) : undefined),
    suffixes: groups.map((g) => g.suffix),
    ...(limitText !== undefined && { limit: positiveInt(limitText) }),
    isolated: groupPolicy === 'isolate' && granular.length > 1,
  };
}

function mergeGroups(groups: RequestGroup[], rootRequired: TraitSpec | undefined): ProviderFilter {
  const resources: Record<string, number> = {};
  const required: TraitSpec = { all: [], forbidden: [], anyOf: [] };
  const memberOf: MemberOfSpec = { anyOf: [], forbidden: [] };
  let inTree: string | undefined;
  for (const g of [...groups]) {
    for (const [rc, n] of Object.entries(g.resources)) resources[rc] = (resources[rc] ?? 0) + n;
    for (const spec of [g.required, ...(g === groups[0] && rootRequired ? [rootRequired] : [])])
      if (spec) {
        required.all.push(...spec.all);
        required.forbidden.push(...spec.forbidden);
        required.anyOf.push(...spec.anyOf);
      }
    if (g.memberOf) {
      memberOf.anyOf.push(...g.memberOf.anyOf);
      memberOf.forbidden.push(...g.memberOf.forbidden);
    }
    if (g.inTree) inTree = inTree === undefined || inTree === g.inTree ? g.inTree : '';
  }
  return {
    resources,
    ...(required.all.length + required.forbidden.length + required.anyOf.length > 0 && { required }),
    ...(memberOf.anyOf.length + memberOf.forbidden.length > 0 && { memberOf }),
    ...(inTree !== undefined && { inTree }),
  };
}
