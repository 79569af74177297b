import { isUniqueViolation } from '../../core/db/database.ts';
import { Conflict, Forbidden, NotFound } from '../../core/errors.ts';
import type { IdentityDb, IdentityTables, RoleRow } from '../tables.ts';
import { ROOT } from '../tables.ts';
import { getRole } from './roles.ts';

export type ImpliedRule = IdentityTables['implied_roles'];

/** Keystone's `[assignment] prohibited_implied_role` default: nothing may imply admin. */
export const PROHIBITED_IMPLIED_ROLES: readonly string[] = ['admin'];

export async function listRules(db: IdentityDb, priorRoleId?: string): Promise<ImpliedRule[]> {
  let q = db.selectFrom('implied_roles').selectAll().orderBy('prior_role_id').orderBy('implied_role_id');
  if (priorRoleId !== undefined) q = q.where('prior_role_id', '=', priorRoleId);
  return q.execute();
}

export async function getRule(db: IdentityDb, priorRoleId: string, impliedRoleId: string): Promise<ImpliedRule> {
  const row = await db
    .selectFrom('implied_roles')
    .selectAll()
    .where('prior_role_id', '=', priorRoleId)
    .where('implied_role_id', '=', impliedRoleId)
    .executeTakeFirst();
  if (!row) throw new NotFound(`${priorRoleId} does not imply ${impliedRoleId}.`);
  return row;
}

/**
 * Adds `prior` ⇒ `implied` with Keystone's refusals: a prohibited role (admin) is never implied, and a global
 * role never implies a domain-specific one (domain roles exist only to imply global ones). Strata also refuses
 * a rule that closes a cycle, which Keystone stores and then has to step around at every token.
 */
export async function createRule(db: IdentityDb, priorRoleId: string, impliedRoleId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const implied = await getRole(trx, impliedRoleId);
    const prior = await getRole(trx, priorRoleId);
    if (PROHIBITED_IMPLIED_ROLES.includes(implied.name))
      throw new Forbidden(`${impliedRoleId} cannot be an implied roles.`);
    if (prior.domain_id === ROOT && implied.domain_id !== ROOT)
      throw new Forbidden(`Global role cannot imply a domain-specific role (${impliedRoleId}).`);
    const rules = await trx.selectFrom('implied_roles').selectAll().execute();
    if (reaches(rules, impliedRoleId, priorRoleId))
      throw new Forbidden(`${impliedRoleId} cannot be an implied roles: it already implies ${priorRoleId}.`);
    try {
      await trx
        .insertInto('implied_roles')
        .values({ prior_role_id: priorRoleId, implied_role_id: impliedRoleId })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err))
        throw new Conflict('Conflict occurred attempting to store implied_role - Duplicate entry.');
      throw err;
    }
  });
}

export async function deleteRule(db: IdentityDb, priorRoleId: string, impliedRoleId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getRule(trx, priorRoleId, impliedRoleId);
    await trx
      .deleteFrom('implied_roles')
      .where('prior_role_id', '=', priorRoleId)
      .where('implied_role_id', '=', impliedRoleId)
      .execute();
  });
}

/** True when `to` is `from` or follows from it through the rules. */
function reaches(rules: readonly ImpliedRule[], from: string, to: string): boolean {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length) {
    const cur = queue.pop()!;
    if (cur === to) return true;
    for (const r of rules)
      if (r.prior_role_id === cur && !seen.has(r.implied_role_id)) {
        seen.add(r.implied_role_id);
        queue.push(r.implied_role_id);
      }
  }
  return false;
}

/** Roles by id for rendering rules; one query for all of them. */
export async function rolesForRules(db: IdentityDb, rules: readonly ImpliedRule[]): Promise<Map<string, RoleRow>> {
  const ids = [...new Set(rules.flatMap((r) => [r.prior_role_id, r.implied_role_id]))];
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('roles').selectAll().where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}
