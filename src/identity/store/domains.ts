import { Forbidden, NotFound } from '../../core/errors.ts';
import { fromBool, parseObject, toBool } from '../rows.ts';
import { type IdentityDb, type ProjectRow, ROOT } from '../tables.ts';
import { isImmutable, removeProjects } from './projects.ts';

/** A domain as the domains API shows it: a project row without the hierarchy fields, without `links`. */
export interface Domain {
  id: string;
  name: string;
  description: string | null;
  enabled: boolean;
  tags: string[];
  options: Record<string, unknown>;
  [extra: string]: unknown;
}

export const domainOf = (r: ProjectRow, tags: readonly string[]): Domain => ({
  ...parseObject(r.extra),
  id: r.id,
  name: r.name,
  description: r.description,
  enabled: toBool(r.enabled),
  tags: [...tags],
  options: parseObject(r.options),
});

export async function findDomain(db: IdentityDb, id: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', id).where('is_domain', '=', 1).executeTakeFirst();
}

export async function getDomain(db: IdentityDb, id: string): Promise<ProjectRow> {
  const row = await findDomain(db, id);
  if (!row) throw new NotFound(`Could not find domain: ${id}.`);
  return row;
}

export async function listDomains(db: IdentityDb, f: { name?: string; enabled?: boolean }): Promise<ProjectRow[]> {
  let q = db.selectFrom('projects').selectAll().where('is_domain', '=', 1).orderBy('name');
  if (f.name !== undefined) q = q.where('name', '=', f.name);
  if (f.enabled !== undefined) q = q.where('enabled', '=', fromBool(f.enabled));
  return q.execute();
}

/**
 * Deletes a disabled domain and everything it owns, in one transaction: its projects (with their assignments,
 * tags, credentials, trusts, limits), its users and groups (with theirs), its domain-specific roles (with every
 * assignment and implication naming them), and grants on the domain itself. Keystone refuses an enabled domain
 * with 403 so nobody deletes the domain their own token lives in by accident.
 */
export async function deleteDomain(db: IdentityDb, id: string): Promise<ProjectRow> {
  return db.transaction().execute(async (trx) => {
    const domain = await getDomain(trx, id);
    if (isImmutable(domain))
      throw new Forbidden(
        `Unable to delete immutable domain resource: \`${id}. Set resource option "immutable" to false first.`,
      );
    if (toBool(domain.enabled)) throw new Forbidden('Cannot delete a domain that is enabled, please disable it first.');
    const projects = await trx.selectFrom('projects').selectAll().where('domain_id', '=', id).execute();
    const locked = projects.find(isImmutable);
    if (locked)
      throw new Forbidden(
        `Unable to delete immutable project resource: \`${locked.id}. Set resource option "immutable" to false first.`,
      );
    await removeProjects(
      trx,
      projects.map((p) => p.id),
    );
    await removeActors(trx, id);
    await removeDomainRoles(trx, id);
    await trx.deleteFrom('limits').where('domain_id', '=', id).execute();
    await removeProjects(trx, [id]);
    return domain;
  });
}

/** The domain's users and groups, as Keystone's delete_user and delete_group would remove each. */
async function removeActors(trx: IdentityDb, domainId: string): Promise<void> {
  const users = () => trx.selectFrom('users').select('id').where('domain_id', '=', domainId);
  const groups = () => trx.selectFrom('groups').select('id').where('domain_id', '=', domainId);
  await trx.deleteFrom('assignments').where('actor_id', 'in', users()).execute();
  await trx.deleteFrom('assignments').where('actor_id', 'in', groups()).execute();
  await trx.deleteFrom('user_groups').where('user_id', 'in', users()).execute();
  await trx.deleteFrom('user_groups').where('group_id', 'in', groups()).execute();
  await trx.deleteFrom('credentials').where('user_id', 'in', users()).execute();
  await trx.deleteFrom('application_credentials').where('user_id', 'in', users()).execute();
  await trx.deleteFrom('access_rules').where('user_id', 'in', users()).execute();
  await trx
    .updateTable('trusts')
    .set({ deleted_at: new Date().toISOString() })
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('trustor_user_id', 'in', users()), eb('trustee_user_id', 'in', users())]))
    .execute();
  await trx.deleteFrom('users').where('domain_id', '=', domainId).execute();
  await trx.deleteFrom('groups').where('domain_id', '=', domainId).execute();
}

async function removeDomainRoles(trx: IdentityDb, domainId: string): Promise<void> {
  // ROOT marks global roles; a domain id never equals it, but say so rather than trust it.
  if (domainId === ROOT) return;
  const roles = () => trx.selectFrom('roles').select('id').where('domain_id', '=', domainId);
  await trx.deleteFrom('assignments').where('role_id', 'in', roles()).execute();
  await trx
    .deleteFrom('implied_roles')
    .where((eb) => eb.or([eb('prior_role_id', 'in', roles()), eb('implied_role_id', 'in', roles())]))
    .execute();
  await trx.deleteFrom('roles').where('domain_id', '=', domainId).execute();
}
