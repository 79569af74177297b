import type { IdentityDb, RoleRow } from './tables.ts';
import { ROOT } from './tables.ts';

export type RoleTarget = { project: string } | { domain: string } | { system: true };

/**
 * The roles a user holds on a target, as a token carries them: direct grants to the user and to their
 * groups, grants inherited from the project's ancestors and domain, then every role those imply.
 * Domain-specific roles only count through the global roles they imply, as in Keystone.
 */
export async function effectiveRoles(db: IdentityDb, userId: string, target: RoleTarget): Promise<RoleRow[]> {
  const groups = await db.selectFrom('user_groups').select('group_id').where('user_id', '=', userId).execute();
  const actors = [userId, ...groups.map((g) => g.group_id)];
  const roleIds = await grantedRoleIds(db, actors, target);
  return expandImplied(db, roleIds);
}

async function grantedRoleIds(db: IdentityDb, actors: string[], target: RoleTarget): Promise<Set<string>> {
  if ('system' in target) {
    const rows = await db
      .selectFrom('assignments')
      .select('role_id')
      .where('actor_id', 'in', actors)
      .where('target_id', '=', 'system')
      .execute();
    return new Set(rows.map((r) => r.role_id));
  }
  if ('domain' in target) {
    const rows = await db
      .selectFrom('assignments')
      .select('role_id')
      .where('actor_id', 'in', actors)
      .where('target_id', '=', target.domain)
      .where('type', 'in', ['UserDomain', 'GroupDomain'])
      .where('inherited', '=', 0)
      .execute();
    return new Set(rows.map((r) => r.role_id));
  }
  const ancestors = await projectAncestry(db, target.project);
  const rows = await db
    .selectFrom('assignments')
    .select(['role_id', 'target_id', 'inherited'])
    .where('actor_id', 'in', actors)
    .where('target_id', 'in', [target.project, ...ancestors])
    .execute();
  // Plain grants apply to their own target; inherited ones to everything below it, never to the target itself.
  const applies = (r: { target_id: string; inherited: number }) =>
    r.target_id === target.project ? r.inherited === 0 : r.inherited === 1;
  return new Set(rows.filter(applies).map((r) => r.role_id));
}

/** The project's parents up to and including its domain (a top-level project's parent), nearest first. */
async function projectAncestry(db: IdentityDb, projectId: string): Promise<string[]> {
  const out: string[] = [];
  let cur = await db
    .selectFrom('projects')
    .select(['parent_id', 'domain_id'])
    .where('id', '=', projectId)
    .executeTakeFirst();
  while (cur?.parent_id && !out.includes(cur.parent_id)) {
    out.push(cur.parent_id);
    cur = await db
      .selectFrom('projects')
      .select(['parent_id', 'domain_id'])
      .where('id', '=', cur.parent_id)
      .executeTakeFirst();
  }
  return out;
}

/** Adds every role implied, transitively, by the given ones. Implication rules are few; read them all. */
export async function expandImplied(db: IdentityDb, roleIds: Iterable<string>): Promise<RoleRow[]> {
  const ids = new Set(roleIds);
  if (ids.size === 0) return [];
  const rules = await db.selectFrom('implied_roles').selectAll().execute();
  const queue = [...ids];
  while (queue.length) {
    const prior = queue.pop()!;
    for (const r of rules) {
      if (r.prior_role_id === prior && !ids.has(r.implied_role_id)) {
        ids.add(r.implied_role_id);
        queue.push(r.implied_role_id);
      }
    }
  }
  const roles = await db
    .selectFrom('roles')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return roles.filter((r) => r.domain_id === ROOT);
}
