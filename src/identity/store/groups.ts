import { isUniqueViolation } from '../../core/db/database.ts';
import { Conflict, NotFound } from '../../core/errors.ts';
import { parseObject } from '../rows.ts';
import type { GroupRow, IdentityDb } from '../tables.ts';
import { getDomain } from './domains.ts';
import { getUser } from './users.ts';

export interface Group {
  id: string;
  name: string;
  domain_id: string;
  description: string | null;
  [extra: string]: unknown;
}

export const groupOf = (r: GroupRow): Group => ({
  ...parseObject(r.extra),
  id: r.id,
  name: r.name,
  domain_id: r.domain_id,
  description: r.description,
});

export async function findGroup(db: IdentityDb, id: string): Promise<GroupRow | undefined> {
  return db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getGroup(db: IdentityDb, id: string): Promise<GroupRow> {
  const row = await findGroup(db, id);
  if (!row) throw new NotFound(`Could not find group: ${id}.`);
  return row;
}

export interface GroupFilter {
  domain_id?: string;
  name?: string;
  /** Only the groups this user belongs to (GET /v3/users/{id}/groups). */
  member_id?: string;
}

export async function listGroups(db: IdentityDb, filter: GroupFilter): Promise<GroupRow[]> {
  let q = db.selectFrom('groups').selectAll('groups').orderBy('groups.name').orderBy('groups.id');
  if (filter.domain_id !== undefined) q = q.where('groups.domain_id', '=', filter.domain_id);
  if (filter.name !== undefined) q = q.where('groups.name', '=', filter.name);
  if (filter.member_id !== undefined)
    q = q
      .innerJoin('user_groups', 'user_groups.group_id', 'groups.id')
      .where('user_groups.user_id', '=', filter.member_id);
  return q.execute();
}

export async function createGroup(db: IdentityDb, row: GroupRow): Promise<GroupRow> {
  return db.transaction().execute(async (trx) => {
    await getDomain(trx, row.domain_id);
    try {
      await trx.insertInto('groups').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate(row);
      throw err;
    }
    return row;
  });
}

export async function updateGroup(
  db: IdentityDb,
  id: string,
  patch: (current: GroupRow) => Partial<GroupRow>,
): Promise<GroupRow> {
  return db.transaction().execute(async (trx) => {
    const before = await getGroup(trx, id);
    const after = { ...before, ...patch(before), id };
    try {
      await trx.updateTable('groups').set(after).where('id', '=', id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate(after);
      throw err;
    }
    return after;
  });
}

/**
 * Deletes a group with its memberships and role assignments. Answers the members whose tokens must go: all of them
 * when the group held roles (their tokens may carry those roles), none otherwise, as Keystone decides.
 */
export async function deleteGroup(db: IdentityDb, id: string): Promise<{ revokeUserIds: string[] }> {
  return db.transaction().execute(async (trx) => {
    await getGroup(trx, id);
    const members = await trx.selectFrom('user_groups').select('user_id').where('group_id', '=', id).execute();
    const grants = await trx
      .deleteFrom('assignments')
      .where('actor_id', '=', id)
      .where('type', 'in', ['GroupProject', 'GroupDomain', 'GroupSystem'])
      .executeTakeFirst();
    await trx.deleteFrom('user_groups').where('group_id', '=', id).execute();
    await trx.deleteFrom('groups').where('id', '=', id).execute();
    return { revokeUserIds: Number(grants.numDeletedRows) > 0 ? members.map((m) => m.user_id) : [] };
  });
}

/** Adding a member twice is not an error (Keystone answers 204 again). */
export async function addMember(db: IdentityDb, groupId: string, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getGroup(trx, groupId);
    await getUser(trx, userId);
    await trx
      .insertInto('user_groups')
      .values({ user_id: userId, group_id: groupId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  });
}

export async function checkMember(db: IdentityDb, groupId: string, userId: string): Promise<void> {
  await getGroup(db, groupId);
  await getUser(db, userId);
  const row = await db
    .selectFrom('user_groups')
    .select('user_id')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw notMember(groupId, userId);
}

export async function removeMember(db: IdentityDb, groupId: string, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const gone = await trx
      .deleteFrom('user_groups')
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (Number(gone.numDeletedRows) > 0) return;
    // Name what is missing, as Keystone does, before the plain "not a member".
    await getGroup(trx, groupId);
    await getUser(trx, userId);
    throw notMember(groupId, userId);
  });
}

const notMember = (groupId: string, userId: string) => new NotFound(`User '${userId}' not found in group '${groupId}'`);

const duplicate = (row: Pick<GroupRow, 'name' | 'domain_id'>) =>
  new Conflict(
    `Conflict occurred attempting to store group - Duplicate entry found with name ${row.name} at domain ID ${row.domain_id}.`,
  );
