import { isUniqueViolation } from '../../core/db/database.ts';
import { Conflict, Forbidden, NotFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { parseList } from '../rows.ts';
import type { AccessRuleRow, AppCredRow, IdentityDb } from '../tables.ts';

/** An access rule as a create request names it: an existing rule by id, or the rule itself. */
export interface AccessRuleInput {
  id?: string;
  service?: string;
  path?: string;
  method?: string;
}

export async function getAppCred(db: IdentityDb, id: string): Promise<AppCredRow> {
  const row = await findAppCred(db, id);
  if (!row) throw new NotFound(`Could not find Application Credential: ${id}.`);
  return row;
}

export function findAppCred(db: IdentityDb, id: string): Promise<AppCredRow | undefined> {
  return db.selectFrom('application_credentials').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listAppCreds(db: IdentityDb, userId: string, filter: { name?: string }): Promise<AppCredRow[]> {
  let q = db.selectFrom('application_credentials').selectAll().where('user_id', '=', userId).orderBy('name');
  if (filter.name !== undefined) q = q.where('name', '=', filter.name);
  return q.execute();
}

/**
 * Stores a new application credential and links its access rules. A rule identical to one the user already
 * has (same service, path and method) is shared rather than duplicated, as Keystone does, so deleting one
 * credential leaves the rule for the others.
 */
export async function createAppCred(
  db: IdentityDb,
  row: Omit<AppCredRow, 'access_rules'>,
  rules: readonly AccessRuleInput[],
): Promise<{ cred: AppCredRow; rules: AccessRuleRow[] }> {
  return db.transaction().execute(async (trx) => {
    const linked: AccessRuleRow[] = [];
    for (const rule of rules) {
      const found = await findOrCreateRule(trx, row.user_id, rule);
      if (!linked.some((r) => r.id === found.id)) linked.push(found);
    }
    const cred: AppCredRow = { ...row, access_rules: JSON.stringify(linked.map((r) => r.id)) };
    try {
      await trx.insertInto('application_credentials').values(cred).execute();
    } catch (err) {
      if (isUniqueViolation(err))
        throw new Conflict('Conflict occurred attempting to store application_credential - Duplicate entry.');
      throw err;
    }
    return { cred, rules: linked };
  });
}

async function findOrCreateRule(db: IdentityDb, userId: string, rule: AccessRuleInput): Promise<AccessRuleRow> {
  if (rule.id) {
    const byId = await db
      .selectFrom('access_rules')
      .selectAll()
      .where('id', '=', rule.id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (byId) return byId;
  }
  if (rule.service === undefined || rule.path === undefined || rule.method === undefined)
    throw new NotFound(`Could not find Access Rule: ${rule.id}.`);
  const same = await db
    .selectFrom('access_rules')
    .selectAll()
    .where('user_id', '=', userId)
    .where('service', '=', rule.service)
    .where('path', '=', rule.path)
    .where('method', '=', rule.method)
    .executeTakeFirst();
  if (same) return same;
  // A client-chosen id is kept (Keystone does) unless another user's rule already has it.
  const taken =
    rule.id && (await db.selectFrom('access_rules').select('id').where('id', '=', rule.id).executeTakeFirst());
  const row: AccessRuleRow = {
    id: rule.id && !taken ? rule.id : newId(),
    user_id: userId,
    service: rule.service,
    path: rule.path,
    method: rule.method,
  };
  await db.insertInto('access_rules').values(row).execute();
  return row;
}

export async function deleteAppCred(db: IdentityDb, id: string): Promise<void> {
  const res = await db.deleteFrom('application_credentials').where('id', '=', id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new NotFound(`Could not find Application Credential: ${id}.`);
}

/** Keystone removes a user's application credentials and access rules when the user is deleted or disabled. */
export async function deleteAppCredsForUser(db: IdentityDb, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('application_credentials').where('user_id', '=', userId).execute();
    await trx.deleteFrom('access_rules').where('user_id', '=', userId).execute();
  });
}

/** Keystone removes a user's application credentials for a project when the user loses a role there. */
export async function deleteAppCredsForUserOnProject(db: IdentityDb, userId: string, projectId: string): Promise<void> {
  await db
    .deleteFrom('application_credentials')
    .where('user_id', '=', userId)
    .where('project_id', '=', projectId)
    .execute();
}

/** The access rules with these ids, in the order given. */
export async function accessRulesByIds(db: IdentityDb, ids: readonly string[]): Promise<AccessRuleRow[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('access_rules')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function listAccessRules(
  db: IdentityDb,
  userId: string,
  filter: { service?: string; path?: string; method?: string },
): Promise<AccessRuleRow[]> {
  let q = db.selectFrom('access_rules').selectAll().where('user_id', '=', userId).orderBy('id');
  if (filter.service !== undefined) q = q.where('service', '=', filter.service);
  if (filter.path !== undefined) q = q.where('path', '=', filter.path);
  if (filter.method !== undefined) q = q.where('method', '=', filter.method);
  return q.execute();
}

/** One of the user's access rules; another user's rule is as good as missing. */
export async function getAccessRule(db: IdentityDb, userId: string, id: string): Promise<AccessRuleRow> {
  const row = await db
    .selectFrom('access_rules')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw new NotFound(`Could not find Access Rule: ${id}.`);
  return row;
}

/** Keystone refuses (403, not 409) to delete a rule an application credential still uses. */
export async function deleteAccessRule(db: IdentityDb, userId: string, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getAccessRule(trx, userId, id);
    const creds = await trx
      .selectFrom('application_credentials')
      .select('access_rules')
      .where('user_id', '=', userId)
      .execute();
    if (creds.some((c) => parseList(c.access_rules).includes(id)))
      throw new Forbidden('May not delete access rule in use');
    await trx.deleteFrom('access_rules').where('id', '=', id).execute();
  });
}
