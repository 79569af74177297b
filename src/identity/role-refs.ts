import { NotFound } from '../core/errors.ts';
import type { IdentityDb, RoleRow } from './tables.ts';
import { ROOT } from './tables.ts';

/** A role named in a delegation request body: `{"id": ...}` or `{"name": ...}` (never both; the schema says so). */
export interface RoleRef {
  id?: string;
  name?: string;
}

/**
 * Turns role references into role ids, in order and without repeats. A name means the global role of that
 * name, as Keystone's get_unique_role_by_name; an unknown name is a 404. Ids are checked by the caller,
 * against the roles the delegating user holds.
 */
export async function resolveRoleRefs(db: IdentityDb, refs: readonly RoleRef[]): Promise<string[]> {
  const ids: string[] = [];
  for (const ref of refs) {
    let id = ref.id;
    if (!id) {
      const row = await db
        .selectFrom('roles')
        .select('id')
        .where('name', '=', ref.name ?? '')
        .where('domain_id', '=', ROOT)
        .executeTakeFirst();
      if (!row) throw new NotFound(`Could not find role: ${ref.name}.`);
      id = row.id;
    }
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** The roles with these ids that still exist, in the order given (a deleted role silently drops out, as in Keystone). */
export async function rolesByIds(db: IdentityDb, ids: readonly string[]): Promise<RoleRow[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('roles')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The ids of roles implied, directly or not, by the given ones, the given ones first. */
export async function withImpliedIds(db: IdentityDb, ids: readonly string[]): Promise<string[]> {
  const out = [...ids];
  if (out.length === 0) return out;
  const rules = await db.selectFrom('implied_roles').selectAll().execute();
  for (let i = 0; i < out.length; i++) {
    for (const r of rules)
      if (r.prior_role_id === out[i] && !out.includes(r.implied_role_id)) out.push(r.implied_role_id);
  }
  return out;
}
