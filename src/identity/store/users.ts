import { sql } from 'kysely';
import { isUniqueViolation } from '../../core/db/database.ts';
import { BadRequest, Conflict, NotFound } from '../../core/errors.ts';
import { parseObject, toBool } from '../rows.ts';
import type { IdentityDb, UserRow } from '../tables.ts';
import { getDomain } from './domains.ts';
import { retirePassword } from './password-history.ts';

/** A user as Keystone shows it: never the password; optional attributes only when set; extras merged in. */
export interface User {
  id: string;
  name: string;
  domain_id: string;
  enabled: boolean;
  password_expires_at: string | null;
  options: Record<string, unknown>;
  default_project_id?: string;
  description?: string;
  email?: string;
  [extra: string]: unknown;
}

export const userOf = (r: UserRow): User => ({
  ...parseObject(r.extra),
  id: r.id,
  name: r.name,
  domain_id: r.domain_id,
  enabled: toBool(r.enabled),
  password_expires_at: r.password_expires_at,
  options: parseObject(r.options),
  ...(r.default_project_id !== null && { default_project_id: r.default_project_id }),
  ...(r.description !== null && { description: r.description }),
  ...(r.email !== null && { email: r.email }),
});

export async function findUser(db: IdentityDb, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getUser(db: IdentityDb, id: string): Promise<UserRow> {
  const row = await findUser(db, id);
  if (!row) throw new NotFound(`Could not find user: ${id}.`);
  return row;
}

export interface UserFilter {
  domain_id?: string;
  name?: string;
  /** Only members of this group (GET /v3/groups/{id}/users). */
  group_id?: string;
}

/** The SQL-side narrowing of a list; inexact filters are applied by the caller to the rows' views. */
export async function listUsers(db: IdentityDb, filter: UserFilter): Promise<UserRow[]> {
  let q = db.selectFrom('users').selectAll('users').orderBy('users.name').orderBy('users.id');
  if (filter.domain_id !== undefined) q = q.where('users.domain_id', '=', filter.domain_id);
  if (filter.name !== undefined) q = q.where('users.name', '=', filter.name);
  if (filter.group_id !== undefined)
    q = q
      .innerJoin('user_groups', 'user_groups.user_id', 'users.id')
      .where('user_groups.group_id', '=', filter.group_id);
  return q.execute();
}

export async function createUser(db: IdentityDb, row: UserRow): Promise<UserRow> {
  return db.transaction().execute(async (trx) => {
    await getDomain(trx, row.domain_id);
    await refuseDomainAsDefaultProject(trx, row.default_project_id);
    try {
      await trx.insertInto('users').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate(row);
      throw err;
    }
    return row;
  });
}

/**
 * Applies a patch; answers the row before and after so the caller can tell what changed. A patch that sets
 * `password_hash` retires the old password into the history, keeping `passwordHistory` of them.
 */
export async function updateUser(
  db: IdentityDb,
  id: string,
  patch: (current: UserRow) => Partial<UserRow>,
  opts: { passwordHistory?: number } = {},
): Promise<{ before: UserRow; after: UserRow }> {
  return db.transaction().execute(async (trx) => {
    const before = await getUser(trx, id);
    const changes = patch(before);
    const after = { ...before, ...changes, id };
    if ('password_hash' in changes) await retirePassword(trx, before, opts.passwordHistory ?? 0);
    if (after.default_project_id !== before.default_project_id)
      await refuseDomainAsDefaultProject(trx, after.default_project_id);
    try {
      await trx.updateTable('users').set(after).where('id', '=', id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate(after);
      throw err;
    }
    return { before, after };
  });
}

/**
 * Deletes a user and what Keystone removes with one: group memberships, role assignments, credentials,
 * application credentials and access rules; trusts the user gave or received end (soft-deleted, as Keystone's).
 */
export async function deleteUser(db: IdentityDb, id: string): Promise<UserRow> {
  return db.transaction().execute(async (trx) => {
    const row = await getUser(trx, id);
    await trx.deleteFrom('user_groups').where('user_id', '=', id).execute();
    await trx
      .deleteFrom('assignments')
      .where('actor_id', '=', id)
      .where('type', 'in', ['UserProject', 'UserDomain', 'UserSystem'])
      .execute();
    await trx.deleteFrom('credentials').where('user_id', '=', id).execute();
    await trx.deleteFrom('application_credentials').where('user_id', '=', id).execute();
    await trx.deleteFrom('access_rules').where('user_id', '=', id).execute();
    await trx.deleteFrom('password_history').where('user_id', '=', id).execute();
    await trx
      .updateTable('trusts')
      .set({ deleted_at: new Date().toISOString() })
      .where('deleted_at', 'is', null)
      .where((eb) => eb.or([eb('trustor_user_id', '=', id), eb('trustee_user_id', '=', id)]))
      .execute();
    await trx.deleteFrom('users').where('id', '=', id).execute();
    return row;
  });
}

/** One more failed password authentication; counted in SQL so concurrent failures all count. */
export async function recordFailedAuth(db: IdentityDb, id: string, at: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({ failed_auth_count: sql<number>`COALESCE(failed_auth_count, 0) + 1`, failed_auth_at: at.toISOString() })
    .where('id', '=', id)
    .execute();
}

/** A successful authentication, or a lapsed lockout, starts the count again. */
export async function resetFailedAuth(db: IdentityDb, id: string): Promise<void> {
  await db.updateTable('users').set({ failed_auth_count: null, failed_auth_at: null }).where('id', '=', id).execute();
}

/** A default project that does not exist is accepted (Keystone keeps this for compatibility); a domain is not. */
async function refuseDomainAsDefaultProject(db: IdentityDb, projectId: string | null): Promise<void> {
  if (!projectId) return;
  const p = await db.selectFrom('projects').select('is_domain').where('id', '=', projectId).executeTakeFirst();
  if (p && toBool(p.is_domain)) throw new BadRequest(`User's default project ID cannot be a domain ID: ${projectId}`);
}

const duplicate = (row: Pick<UserRow, 'name' | 'domain_id'>) =>
  new Conflict(
    `Conflict occurred attempting to store user - Duplicate entry found with name ${row.name} at domain ID ${row.domain_id}.`,
  );
