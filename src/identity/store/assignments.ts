import { NotFound } from '../../core/errors.ts';
import type { AssignmentRow, AssignmentType, IdentityDb, ProjectRow, RoleRow } from '../tables.ts';

export type ActorKind = 'user' | 'group';
export type TargetKind = 'project' | 'domain' | 'system';

/** One grant as the grant APIs name it: who, on what, which role, and whether it is OS-INHERIT's kind. */
export interface GrantKey {
  actor: ActorKind;
  actorId: string;
  target: TargetKind;
  /** 'system' for system grants, as Keystone stores them. */
  targetId: string;
  roleId: string;
  inherited: boolean;
}

export const SYSTEM_TARGET = 'system';

export function assignmentType(actor: ActorKind, target: TargetKind): AssignmentType {
  const a = actor === 'user' ? 'User' : 'Group';
  const t = target === 'project' ? 'Project' : target === 'domain' ? 'Domain' : 'System';
  return `${a}${t}` as AssignmentType;
}

const rowOf = (k: GrantKey): AssignmentRow => ({
  type: assignmentType(k.actor, k.target),
  actor_id: k.actorId,
  target_id: k.targetId,
  role_id: k.roleId,
  inherited: k.inherited ? 1 : 0,
});

/** Keystone's grant PUT is silent when the grant already exists. */
export async function createGrant(db: IdentityDb, key: GrantKey): Promise<void> {
  await db
    .insertInto('assignments')
    .values(rowOf(key))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

// The assignments primary key spans every column, so a grant is the one row equal to rowOf(key) column by column.
export async function requireGrant(db: IdentityDb, key: GrantKey): Promise<void> {
  const found = await db
    .selectFrom('assignments')
    .select('role_id')
    .where((eb) => eb.and(rowOf(key)))
    .executeTakeFirst();
  if (!found) throw grantNotFound(key);
}

export async function deleteGrant(db: IdentityDb, key: GrantKey): Promise<void> {
  const res = await db
    .deleteFrom('assignments')
    .where((eb) => eb.and(rowOf(key)))
    .executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw grantNotFound(key);
}

const grantNotFound = (k: GrantKey) =>
  new NotFound(
    `Could not find role assignment with role: ${k.roleId}, user or group: ${k.actorId}, ` +
      `project, domain, or system: ${k.targetId}.`,
  );

/** The roles granted to one actor on one target (the grant list APIs), in one joined query. */
export async function listGrantedRoles(db: IdentityDb, key: Omit<GrantKey, 'roleId'>): Promise<RoleRow[]> {
  return db
    .selectFrom('assignments as a')
    .innerJoin('roles as r', 'r.id', 'a.role_id')
    .selectAll('r')
    .where('a.type', '=', assignmentType(key.actor, key.target))
    .where('a.actor_id', '=', key.actorId)
    .where('a.target_id', '=', key.targetId)
    .where('a.inherited', '=', key.inherited ? 1 : 0)
    .orderBy('r.name')
    .execute();
}

/** The fields of a user or group that policy rules and names read; never the password hash. */
export interface ActorRow {
  id: string;
  name: string;
  domain_id: string;
}

export async function findActor(db: IdentityDb, kind: ActorKind, id: string): Promise<ActorRow | undefined> {
  return kind === 'user'
    ? db.selectFrom('users').select(['id', 'name', 'domain_id']).where('id', '=', id).executeTakeFirst()
    : db.selectFrom('groups').select(['id', 'name', 'domain_id']).where('id', '=', id).executeTakeFirst();
}

/** A project (is_domain 0) or a domain (is_domain 1) by id. */
export async function findProjectOrDomain(
  db: IdentityDb,
  kind: 'project' | 'domain',
  id: string,
): Promise<ProjectRow | undefined> {
  return db
    .selectFrom('projects')
    .selectAll()
    .where('id', '=', id)
    .where('is_domain', '=', kind === 'domain' ? 1 : 0)
    .executeTakeFirst();
}

export async function groupMemberIds(db: IdentityDb, groupId: string): Promise<string[]> {
  const rows = await db.selectFrom('user_groups').select('user_id').where('group_id', '=', groupId).execute();
  return rows.map((r) => r.user_id);
}

/** Every grant held by a user or group, for their deletion (Keystone drops system grants too). */
export async function deleteActorAssignments(db: IdentityDb, actorId: string): Promise<void> {
  await db.deleteFrom('assignments').where('actor_id', '=', actorId).execute();
}

/** Every grant on a project or domain (inherited ones included), for its deletion. */
export async function deleteTargetAssignments(db: IdentityDb, targetId: string): Promise<void> {
  await db.deleteFrom('assignments').where('target_id', '=', targetId).execute();
}
