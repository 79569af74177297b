import { expandImplied } from '../effective-roles.ts';
import { toBool } from '../rows.ts';
import type { IdentityDb, ProjectRow } from '../tables.ts';
import { ROOT } from '../tables.ts';
import { type Project, projectOf } from './projects.ts';

/**
 * Projects on which the user holds an effective role: granted to them or to one of their groups, directly on the
 * project or inherited from an ancestor project or the domain. As Keystone's list_projects_for_user, disabled
 * projects are included (the client filters with ?enabled=), and a domain-specific role only counts through a
 * global role it implies.
 */
export async function projectsOfUser(db: IdentityDb, userId: string): Promise<Project[]> {
  const groups = await db.selectFrom('user_groups').select('group_id').where('user_id', '=', userId).execute();
  const grants = await db
    .selectFrom('assignments')
    .select(['target_id', 'role_id', 'inherited'])
    .where('actor_id', 'in', [userId, ...groups.map((g) => g.group_id)])
    .where('type', 'in', ['UserProject', 'GroupProject', 'UserDomain', 'GroupDomain'])
    .execute();
  if (grants.length === 0) return [];

  const counting = await countingRoles(db, new Set(grants.map((g) => g.role_id)));
  const live = grants.filter((g) => counting.has(g.role_id));
  const direct = new Set(live.filter((g) => !toBool(g.inherited)).map((g) => g.target_id));
  const inheritedFrom = new Set(live.filter((g) => toBool(g.inherited)).map((g) => g.target_id));

  const projects = await db.selectFrom('projects').selectAll().where('is_domain', '=', 0).execute();
  const parentOf = new Map(projects.map((p) => [p.id, p.parent_id]));
  // Walks up through parent projects to the domain (a top-level project's parent), so a grant inherited from the
  // domain reaches every project in it; a grant inherited from a project reaches its subtree but not itself.
  const inherits = (p: ProjectRow): boolean => {
    const seen = new Set<string>();
    for (let cur = p.parent_id; cur && !seen.has(cur); cur = parentOf.get(cur) ?? null) {
      if (inheritedFrom.has(cur)) return true;
      seen.add(cur);
    }
    return false;
  };
  const mine = projects.filter((p) => direct.has(p.id) || (inheritedFrom.size > 0 && inherits(p)));
  return withTags(db, mine);
}

/** Global roles count; a domain-specific role counts only when it implies some global role. */
async function countingRoles(db: IdentityDb, roleIds: Set<string>): Promise<Set<string>> {
  const roles = await db
    .selectFrom('roles')
    .select(['id', 'domain_id'])
    .where('id', 'in', [...roleIds])
    .execute();
  const out = new Set<string>();
  for (const r of roles) {
    if (r.domain_id === ROOT || (await expandImplied(db, [r.id])).length > 0) out.add(r.id);
  }
  return out;
}

async function withTags(db: IdentityDb, rows: ProjectRow[]): Promise<Project[]> {
  if (rows.length === 0) return [];
  const tags = await db
    .selectFrom('project_tags')
    .selectAll()
    .where(
      'project_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  return rows
    .map((r) =>
      projectOf(
        r,
        tags.filter((t) => t.project_id === r.id).map((t) => t.name),
      ),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}
