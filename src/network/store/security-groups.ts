import type { SelectQueryBuilder } from 'kysely';
import type { Caller } from '../access.ts';
import type { NetworkDeps } from '../deps.ts';
import { hasTable } from '../installed-tables.ts';
import type { NetworkDb, NetworkTables, SecurityGroupRow, SecurityGroupRuleRow } from '../tables.ts';
import { sharedAmong } from './rbac-shared.ts';

/**
 * Security groups the caller may see: their project's, and those an RBAC policy shares with it (or with every
 * project); an admin sees all. The rest answer 404, as if they did not exist.
 */
export function visibleSecurityGroups(
  db: NetworkDb,
  caller: Caller,
): SelectQueryBuilder<NetworkTables, 'security_groups', SecurityGroupRow> {
  const q = db.selectFrom('security_groups').selectAll('security_groups');
  if (caller.isAdmin) return q;
  return q.where((eb) =>
    eb.or([
      eb('security_groups.project_id', '=', caller.projectId),
      eb(
        'security_groups.id',
        'in',
        eb
          .selectFrom('network_rbacs')
          .select('object_id')
          .where('object_type', '=', 'security_group')
          .where('target_project', 'in', [caller.projectId, '*']),
      ),
    ]),
  );
}

export function findVisibleSecurityGroup(
  db: NetworkDb,
  caller: Caller,
  id: string,
): Promise<SecurityGroupRow | undefined> {
  return visibleSecurityGroups(db, caller).where('security_groups.id', '=', id).executeTakeFirst();
}

/** Which of the groups an RBAC policy shares with the caller's project (what `shared` shows them). */
export function sharedSecurityGroups(db: NetworkDb, caller: Caller, ids: readonly string[]): Promise<Set<string>> {
  return sharedAmong(db, caller, 'security_group', ids);
}

/**
 * Rules the caller may see: an admin all; others the rules they own and every rule of the groups they own
 * (Neutron's get_security_group_rule_ids).
 */
export function visibleRules(
  db: NetworkDb,
  caller: Caller,
): SelectQueryBuilder<NetworkTables, 'security_group_rules', SecurityGroupRuleRow> {
  const q = db.selectFrom('security_group_rules').selectAll('security_group_rules');
  if (caller.isAdmin) return q;
  return q.where((eb) =>
    eb.or([
      eb('security_group_rules.project_id', '=', caller.projectId),
      eb(
        'security_group_rules.security_group_id',
        'in',
        eb.selectFrom('security_groups').select('id').where('project_id', '=', caller.projectId),
      ),
    ]),
  );
}

/** Every rule of each group (a group's view lists all of its rules, whoever owns them). */
export async function rulesOfGroups(
  db: NetworkDb,
  ids: readonly string[],
): Promise<Map<string, SecurityGroupRuleRow[]>> {
  const out = new Map<string, SecurityGroupRuleRow[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('security_group_rules')
      .selectAll()
      .where('security_group_id', 'in', ids.slice(i, i + 500))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    for (const r of rows) out.set(r.security_group_id, [...(out.get(r.security_group_id) ?? []), r]);
  }
  return out;
}

/** Whether any port uses the group (Neutron's SecurityGroupInUse). */
export async function groupInUse(db: NetworkDb, deps: NetworkDeps, id: string): Promise<boolean> {
  // Ports arrive in their own migration; until then nothing can use a group.
  if (!(await hasTable(db, deps, 'port_security_group_bindings'))) return false;
  const row = await db
    .selectFrom('port_security_group_bindings')
    .select('port_id')
    .where('security_group_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Deletes a group with its rules (returned), their tags, its RBAC policies and its default-group record. */
export async function deleteSecurityGroupRow(db: NetworkDb, id: string): Promise<string[]> {
  // Rules of other groups that admit this group's members go with it (Neutron's cascade on remote_group_id).
  const rules = await db
    .selectFrom('security_group_rules')
    .select('id')
    .where((eb) => eb.or([eb('security_group_id', '=', id), eb('remote_group_id', '=', id)]))
    .execute();
  const ruleIds = rules.map((r) => r.id);
  for (let i = 0; i < ruleIds.length; i += 500)
    await db
      .deleteFrom('network_tags')
      .where('resource_type', '=', 'security_group_rule')
      .where('resource_id', 'in', ruleIds.slice(i, i + 500))
      .execute();
  for (let i = 0; i < ruleIds.length; i += 500)
    await db
      .deleteFrom('security_group_rules')
      .where('id', 'in', ruleIds.slice(i, i + 500))
      .execute();
  await db
    .deleteFrom('network_rbacs')
    .where('object_type', '=', 'security_group')
    .where('object_id', '=', id)
    .execute();
  await db
    .deleteFrom('network_tags')
    .where('resource_type', '=', 'security_group')
    .where('resource_id', '=', id)
    .execute();
  await db.deleteFrom('default_security_groups').where('security_group_id', '=', id).execute();
  await db.deleteFrom('security_groups').where('id', '=', id).execute();
  return ruleIds;
}
