import { toBool } from './rows.ts';
import { type Domain, domainOf } from './store/domains.ts';
import type { Project } from './store/projects.ts';
import { projectsOfUser } from './store/user-projects.ts';
import type { IdentityDb } from './tables.ts';

/**
 * Every scope a user could get a token for now: enabled projects in enabled domains on which they hold an
 * effective role, domains on which they hold a direct role, and whether they hold a system role.
 */
export async function scopesOf(
  db: IdentityDb,
  userId: string,
): Promise<{ projects: Project[]; domains: Domain[]; system: boolean }> {
  const groups = await db.selectFrom('user_groups').select('group_id').where('user_id', '=', userId).execute();
  const actors = [userId, ...groups.map((g) => g.group_id)];
  const grants = await db
    .selectFrom('assignments')
    .select(['target_id', 'type', 'inherited'])
    .where('actor_id', 'in', actors)
    .execute();
  const system = grants.some((g) => g.type.endsWith('System'));
  const domainIds = grants.filter((g) => g.type.endsWith('Domain') && !toBool(g.inherited)).map((g) => g.target_id);
  const enabledDomains = await db
    .selectFrom('projects')
    .selectAll()
    .where('is_domain', '=', 1)
    .where('enabled', '=', 1)
    .execute();
  const enabledDomainIds = new Set(enabledDomains.map((d) => d.id));
  const projects = (await projectsOfUser(db, userId)).filter(
    (p) => p.enabled && enabledDomainIds.has(p.domain_id ?? ''),
  );
  const domains = enabledDomains.filter((d) => domainIds.includes(d.id)).map((d) => domainOf(d, []));
  return { projects, domains, system };
}
