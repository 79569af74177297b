import { effectiveRoles } from './effective-roles.ts';
import { toBool } from './rows.ts';
import type { IdentityDb, ProjectRow } from './tables.ts';

/**
 * Every scope a user could get a token for: enabled projects and domains on which they hold some role
 * (directly, through a group, or inherited), and whether they hold a system role.
 */
export async function scopesOf(
  db: IdentityDb,
  userId: string,
): Promise<{ projects: ProjectRow[]; domains: ProjectRow[]; system: boolean }> {
  const groups = await db.selectFrom('user_groups').select('group_id').where('user_id', '=', userId).execute();
  const actors = [userId, ...groups.map((g) => g.group_id)];
  const grants = await db
    .selectFrom('assignments')
    .select(['target_id', 'type', 'inherited'])
    .where('actor_id', 'in', actors)
    .execute();
  const system = grants.some((g) => g.type.endsWith('System'));
  const targets = [...new Set(grants.filter((g) => !g.type.endsWith('System')).map((g) => g.target_id))];
  if (targets.length === 0) return { projects: [], domains: [], system };
  const all = await db.selectFrom('projects').selectAll().where('enabled', '=', 1).execute();
  const byId = new Map(all.map((p) => [p.id, p]));
  const enabledDomain = (p: ProjectRow) => toBool(byId.get(p.domain_id)?.enabled ?? (p.is_domain ? 1 : 0));
  const projects: ProjectRow[] = [];
  const domains: ProjectRow[] = [];
  for (const p of all) {
    if (p.is_domain) {
      if (targets.includes(p.id) && grants.some((g) => g.target_id === p.id && !g.inherited)) domains.push(p);
    } else if (enabledDomain(p) && (await effectiveRoles(db, userId, { project: p.id })).length > 0) projects.push(p);
  }
  return { projects, domains, system };
}
