import { isUniqueViolation } from '../../core/db/database.ts';
import { BadRequest, Conflict, Forbidden, NotFound } from '../../core/errors.ts';
import { parseObject } from '../rows.ts';
import { type IdentityDb, ROOT, type RoleRow } from '../tables.ts';
import { getDomain } from './domains.ts';

/** A role as Keystone answers it: `domain_id` null for global roles, free-form attributes merged in. */
export interface Role {
  id: string;
  name: string;
  domain_id: string | null;
  description: string | null;
  options: Record<string, unknown>;
  [extra: string]: unknown;
}

export const roleOf = (r: RoleRow): Role => ({
  ...parseObject(r.extra),
  id: r.id,
  name: r.name,
  domain_id: domainOf(r),
  description: r.description,
  options: parseObject(r.options),
});

/** The role's domain as Keystone spells it: null for a global role. */
export const domainOf = (r: Pick<RoleRow, 'domain_id'>): string | null => (r.domain_id === ROOT ? null : r.domain_id);

/** The policy target Keystone builds for a role: the stored record with `domain_id` null when global. */
export const roleTarget = (r: RoleRow) => ({ id: r.id, name: r.name, domain_id: domainOf(r) });

export const isImmutable = (r: Pick<RoleRow, 'options'>): boolean => parseObject(r.options).immutable === true;

export async function findRole(db: IdentityDb, id: string): Promise<RoleRow | undefined> {
  return db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getRole(db: IdentityDb, id: string): Promise<RoleRow> {
  const row = await findRole(db, id);
  if (!row) throw new NotFound(`Could not find role: ${id}.`);
  return row;
}

/** Keystone lists only global roles unless a domain_id filter names a domain. */
export async function listRoles(db: IdentityDb, filter: { name?: string; domain_id?: string }): Promise<RoleRow[]> {
  let q = db
    .selectFrom('roles')
    .selectAll()
    .where('domain_id', '=', filter.domain_id ?? ROOT)
    .orderBy('name')
    .orderBy('id');
  if (filter.name !== undefined) q = q.where('name', '=', filter.name);
  return q.execute();
}

const duplicate = (row: Pick<RoleRow, 'name' | 'domain_id'>) =>
  new Conflict(
    `Conflict occurred attempting to store role - Duplicate entry found with name ${row.name}` +
      (row.domain_id === ROOT ? '.' : ` at domain ID ${row.domain_id}.`),
  );

export async function createRole(db: IdentityDb, row: RoleRow): Promise<RoleRow> {
  return db.transaction().execute(async (trx) => {
    if (row.domain_id !== ROOT) await getDomain(trx, row.domain_id);
    try {
      await trx.insertInto('roles').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate(row);
      throw err;
    }
    return row;
  });
}

export interface RolePatch {
  name?: string;
  description?: string | null;
  /** Attributes to merge into `extra`. */
  extra: Record<string, unknown>;
  /** Options to merge; a null value removes the option. */
  options?: Record<string, unknown>;
  /** Present when the body names a domain (null for global): it must not move the role. */
  domain_id?: string | null;
  /** How many attributes the body had, for Keystone's immutable rule. */
  bodyKeys: string[];
}

export async function updateRole(db: IdentityDb, id: string, patch: RolePatch): Promise<RoleRow> {
  return db.transaction().execute(async (trx) => {
    const current = await getRole(trx, id);
    refuseImmutableUpdate(current, patch);
    if (patch.domain_id !== undefined && patch.domain_id !== domainOf(current))
      throw new BadRequest('Update of `domain_id` is not allowed.');
    const options = { ...parseObject(current.options) };
    for (const [k, v] of Object.entries(patch.options ?? {})) {
      if (v === null) delete options[k];
      else options[k] = v;
    }
    const next: RoleRow = {
      ...current,
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.description !== undefined && { description: patch.description }),
      extra: JSON.stringify({ ...parseObject(current.extra), ...patch.extra }),
      options: JSON.stringify(options),
    };
    try {
      await trx.updateTable('roles').set(next).where('id', '=', id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate(next);
      throw err;
    }
    return next;
  });
}

/**
 * Keystone lets an immutable role change in one way only: a body holding nothing but `options` that sets
 * `immutable` to false or null. Everything else is refused until that has been done.
 */
function refuseImmutableUpdate(current: RoleRow, patch: RolePatch): void {
  if (!isImmutable(current)) return;
  const opts = patch.options ?? {};
  const unlocking = 'immutable' in opts && (opts.immutable === false || opts.immutable === null);
  if (patch.bodyKeys.length > 1 || !unlocking)
    throw new Forbidden(
      `Unable to update immutable role resource: \`${current.id}. Set resource option "immutable" to false first.`,
    );
}

/** Removes the role with its grants and implication rules. */
export async function deleteRole(db: IdentityDb, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const role = await getRole(trx, id);
    if (isImmutable(role))
      throw new Forbidden(
        `Unable to delete immutable role resource: \`${id}. Set resource option "immutable" to false first.`,
      );
    await trx.deleteFrom('assignments').where('role_id', '=', id).execute();
    await trx
      .deleteFrom('implied_roles')
      .where((eb) => eb.or([eb('prior_role_id', '=', id), eb('implied_role_id', '=', id)]))
      .execute();
    await trx.deleteFrom('roles').where('id', '=', id).execute();
  });
}
