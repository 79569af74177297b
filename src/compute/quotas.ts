import type { ComputeBase } from './deps.ts';
import { forbidden, quotaExceeded } from './errors.ts';
import {
  countUsage,
  groupMemberCount,
  INJECTED_RESOURCES,
  MAIN_RESOURCES,
  NETWORK_QUOTA_DEFAULTS,
} from './quota-usage.ts';

/** How much of each resource a request would add. */
export interface QuotaDelta {
  instances?: number;
  cores?: number;
  ram?: number;
  key_pairs?: number;
  server_groups?: number;
  server_group_members?: number;
  metadata_items?: number;
}

/** Every resource a quota set shows at 2.1 (later microversions drop some; see quota-sets.ts). */
export const ALL_RESOURCES = [...MAIN_RESOURCES, ...INJECTED_RESOURCES, ...Object.keys(NETWORK_QUOTA_DEFAULTS)];

/**
 * The limits of the 'default' quota class: the configured ones (Nova's [quota] section), replaced by what
 * `os-quota-class-sets/default` stored.
 */
export async function defaultLimits(deps: Pick<ComputeBase, 'db' | 'config'>): Promise<Record<string, number>> {
  const limits: Record<string, number> = { ...NETWORK_QUOTA_DEFAULTS };
  for (const r of [...MAIN_RESOURCES, ...INJECTED_RESOURCES]) limits[r] = deps.config.compute.quotas[r] ?? -1;
  const rows = await deps.db
    .selectFrom('compute_quota_classes')
    .selectAll()
    .where('class_name', '=', 'default')
    .execute();
  for (const row of rows) if (row.resource in limits) limits[row.resource] = row.hard_limit;
  return limits;
}

/** Limits of a project (or of one user in it: the user's overrides over the project's). */
export async function projectLimits(
  deps: Pick<ComputeBase, 'db' | 'config'>,
  projectId: string,
  userId?: string,
): Promise<Record<string, number>> {
  const limits = await defaultLimits(deps);
  const rows = await deps.db
    .selectFrom('compute_quotas')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('user_id', 'in', userId ? ['', userId] : [''])
    .execute();
  // Project rows first, then the user's, so a user override wins.
  for (const row of rows.sort((a, b) => a.user_id.length - b.user_id.length))
    if (row.resource in limits) limits[row.resource] = row.hard_limit;
  return limits;
}

const over = (limit: number, used: number, requested: number) => limit >= 0 && used + requested > limit;

/**
 * Nova's quota check before a create: usage counted from the tables (the project's undeleted servers with their
 * cores and RAM, its server groups, the user's key pairs, a group's members) against the project's limits
 * (and the user's, where an admin set per-user ones); -1 is unlimited. Throws Nova's 403 bodies.
 * `owner.server_group_id` names the group `server_group_members` counts in.
 */
export async function checkQuota(
  deps: ComputeBase,
  owner: { project_id: string; user_id: string; server_group_id?: string },
  delta: QuotaDelta,
): Promise<void> {
  const limits = await projectLimits(deps, owner.project_id);
  if (delta.metadata_items !== undefined && limits.metadata_items >= 0 && delta.metadata_items > limits.metadata_items)
    throw forbidden(`Maximum number of metadata items exceeds ${limits.metadata_items}`);
  const wantsCounted =
    (delta.instances ?? 0) > 0 || (delta.cores ?? 0) > 0 || (delta.ram ?? 0) > 0 || (delta.key_pairs ?? 0) > 0;
  if (wantsCounted || (delta.server_groups ?? 0) > 0) {
    const usage = await countUsage(deps, owner.project_id, undefined, owner.user_id);
    for (const r of ['instances', 'cores', 'ram'] as const) {
      const want = delta[r] ?? 0;
      if (want > 0 && over(limits[r], usage[r], want)) throw quotaExceeded(r, want, usage[r], limits[r]);
    }
    if ((delta.key_pairs ?? 0) > 0 && over(limits.key_pairs, usage.key_pairs, delta.key_pairs ?? 0))
      throw forbidden('Quota exceeded, too many key pairs.');
    if ((delta.server_groups ?? 0) > 0 && over(limits.server_groups, usage.server_groups, delta.server_groups ?? 0))
      throw forbidden('Quota exceeded, too many server groups.');
    await checkUserLimits(deps, owner, delta);
  }
  const members = delta.server_group_members ?? 0;
  if (members > 0) {
    // Without the group's id only the request itself can be checked against the per-group limit.
    const used = owner.server_group_id ? await groupMemberCount(deps, owner.server_group_id) : 0;
    if (over(limits.server_group_members, used, members)) throw forbidden('Quota exceeded, too many servers in group');
  }
}

/** Per-user limits exist only where an admin set them (`PUT /os-quota-sets/{p}?user_id=`). */
async function checkUserLimits(
  deps: ComputeBase,
  owner: { project_id: string; user_id: string },
  delta: QuotaDelta,
): Promise<void> {
  const own = await deps.db
    .selectFrom('compute_quotas')
    .selectAll()
    .where('project_id', '=', owner.project_id)
    .where('user_id', '=', owner.user_id)
    .execute();
  if (own.length === 0) return;
  const usage = await countUsage(deps, owner.project_id, owner.user_id, owner.user_id);
  for (const row of own) {
    const r = row.resource as 'instances' | 'cores' | 'ram' | 'server_groups';
    const want = (delta as Record<string, number | undefined>)[r] ?? 0;
    if (want > 0 && r in usage && over(row.hard_limit, usage[r], want))
      throw quotaExceeded(r, want, usage[r], row.hard_limit);
  }
}
