import type { AssignmentRow, AssignmentType, IdentityDb, RoleRow } from '../tables.ts';
import type { ImpliedRule } from './implied-roles.ts';

/**
 * The reads behind GET /v3/role_assignments. Each takes whole id lists so a listing costs a handful of
 * queries however many rows it expands to.
 */

export const PROJECT_TYPES: AssignmentType[] = ['UserProject', 'GroupProject'];
export const DOMAIN_TYPES: AssignmentType[] = ['UserDomain', 'GroupDomain'];
export const SYSTEM_TYPES: AssignmentType[] = ['UserSystem', 'GroupSystem'];

export interface AssignmentQuery {
  types: readonly AssignmentType[];
  actorIds?: readonly string[];
  targetIds?: readonly string[];
  roleId?: string;
  inherited?: boolean;
}

export async function queryAssignments(db: IdentityDb, q: AssignmentQuery): Promise<AssignmentRow[]> {
  if (q.types.length === 0 || q.actorIds?.length === 0 || q.targetIds?.length === 0) return [];
  let sel = db
    .selectFrom('assignments')
    .selectAll()
    .where('type', 'in', [...q.types]);
  if (q.actorIds) sel = sel.where('actor_id', 'in', [...new Set(q.actorIds)]);
  if (q.targetIds) sel = sel.where('target_id', 'in', [...new Set(q.targetIds)]);
  if (q.roleId !== undefined) sel = sel.where('role_id', '=', q.roleId);
  if (q.inherited !== undefined) sel = sel.where('inherited', '=', q.inherited ? 1 : 0);
  return sel.orderBy('type').orderBy('target_id').orderBy('actor_id').orderBy('role_id').execute();
}

export async function groupIdsOfUser(db: IdentityDb, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('user_groups').select('group_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.group_id);
}

/** Members of each group, by group id. */
export async function membersOfGroups(db: IdentityDb, groupIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (groupIds.length === 0) return out;
  const rows = await db
    .selectFrom('user_groups')
    .select(['user_id', 'group_id'])
    .where('group_id', 'in', [...new Set(groupIds)])
    .orderBy('user_id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.group_id) ?? [];
    list.push(r.user_id);
    out.set(r.group_id, list);
  }
  return out;
}

export interface ProjectNode {
  id: string;
  parent_id: string | null;
  domain_id: string;
}

export async function findProjectNode(db: IdentityDb, id: string): Promise<ProjectNode | undefined> {
  return db
    .selectFrom('projects')
    .select(['id', 'parent_id', 'domain_id'])
    .where('id', '=', id)
    .where('is_domain', '=', 0)
    .executeTakeFirst();
}

/**
 * Every project of the given domains and of the domains owning the given projects: what inherited grants
 * on those targets reach. Domains are small next to assignment lists, so one read of each beats walking.
 */
export async function projectsOfDomains(
  db: IdentityDb,
  domainIds: readonly string[],
  ownedProjectIds: readonly string[] = [],
): Promise<ProjectNode[]> {
  if (domainIds.length === 0 && ownedProjectIds.length === 0) return [];
  return db
    .selectFrom('projects')
    .select(['id', 'parent_id', 'domain_id'])
    .where('is_domain', '=', 0)
    .where((eb) =>
      eb.or([
        ...(domainIds.length ? [eb('domain_id', 'in', [...new Set(domainIds)])] : []),
        ...(ownedProjectIds.length
          ? [
              eb(
                'domain_id',
                'in',
                eb
                  .selectFrom('projects')
                  .select('domain_id')
                  .where('id', 'in', [...new Set(ownedProjectIds)]),
              ),
            ]
          : []),
      ]),
    )
    .orderBy('id')
    .execute();
}

export async function allImpliedRules(db: IdentityDb): Promise<ImpliedRule[]> {
  return db.selectFrom('implied_roles').selectAll().execute();
}

export async function rolesByIds(db: IdentityDb, ids: readonly string[]): Promise<Map<string, RoleRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('roles')
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export interface NamedRow {
  id: string;
  name: string;
  domain_id: string;
}

export async function namedRows(
  db: IdentityDb,
  table: 'users' | 'groups' | 'projects',
  ids: readonly string[],
): Promise<Map<string, NamedRow>> {
  if (ids.length === 0) return new Map();
  const unique = [...new Set(ids)];
  const rows =
    table === 'users'
      ? await db.selectFrom('users').select(['id', 'name', 'domain_id']).where('id', 'in', unique).execute()
      : table === 'groups'
        ? await db.selectFrom('groups').select(['id', 'name', 'domain_id']).where('id', 'in', unique).execute()
        : await db.selectFrom('projects').select(['id', 'name', 'domain_id']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r]));
}
