import { randomUUID } from 'node:crypto';
import type { NetworkDeps } from './deps.ts';
import { newStandardColumns } from './standard-attrs.ts';
import type { NetworkDb, SecurityGroupRuleRow } from './tables.ts';

export const DEFAULT_SG_NAME = 'default';
const DEFAULT_SG_DESCRIPTION = 'Default security group';

/**
 * The id of the project's `default` security group, created (as Neutron does on a project's first security group
 * list or create, and for ports given no groups) when missing: egress anywhere over IPv4 and IPv6, ingress from
 * members of the group itself. Run inside the caller's transaction. Concurrent callers are settled by the primary
 * key of default_security_groups: the loser inserts nothing and reads the winner's group.
 */
export async function ensureDefaultSecurityGroup(
  trx: NetworkDb,
  deps: NetworkDeps,
  projectId: string,
): Promise<string> {
  void deps;
  const existing = await defaultGroupId(trx, projectId);
  if (existing) return existing;
  const id = randomUUID();
  const claimed = await trx
    .insertInto('default_security_groups')
    .values({ project_id: projectId, security_group_id: id })
    .onConflict((oc) => oc.column('project_id').doNothing())
    .returning('security_group_id')
    .executeTakeFirst();
  if (!claimed) return (await defaultGroupId(trx, projectId)) as string;
  await trx
    .insertInto('security_groups')
    .values({ ...newStandardColumns(id, projectId, DEFAULT_SG_DESCRIPTION), name: DEFAULT_SG_NAME, stateful: 1 })
    .execute();
  await trx.insertInto('security_group_rules').values(defaultRules(id, projectId)).execute();
  return id;
}

async function defaultGroupId(trx: NetworkDb, projectId: string): Promise<string | undefined> {
  const row = await trx
    .selectFrom('default_security_groups')
    .select('security_group_id')
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return row?.security_group_id;
}

function defaultRules(groupId: string, projectId: string): SecurityGroupRuleRow[] {
  const rule = (direction: string, ethertype: string, remote: string | null): SecurityGroupRuleRow => ({
    ...newStandardColumns(randomUUID(), projectId),
    security_group_id: groupId,
    direction,
    ethertype,
    protocol: null,
    port_range_min: null,
    port_range_max: null,
    remote_ip_prefix: null,
    remote_group_id: remote,
    remote_address_group_id: null,
  });
  return [
    rule('egress', 'IPv4', null),
    rule('egress', 'IPv6', null),
    rule('ingress', 'IPv4', groupId),
    rule('ingress', 'IPv6', groupId),
  ];
}

/** Whether `groupId` is some project's default group (which may be neither renamed nor deleted by its owner). */
export async function isDefaultSecurityGroup(db: NetworkDb, groupId: string): Promise<boolean> {
  const row = await db
    .selectFrom('default_security_groups')
    .select('project_id')
    .where('security_group_id', '=', groupId)
    .executeTakeFirst();
  return row !== undefined;
}
