import { isUniqueViolation } from '../../core/db/database.ts';
import { Conflict, NotFound } from '../../core/errors.ts';
import { type EndpointGroupRow, extensionDb } from '../extension-tables.ts';
import { parseObject } from '../rows.ts';
import type { EndpointRow, IdentityDb } from '../tables.ts';

/** The endpoint attributes a group may filter on (Keystone's valid filter keys). */
export const FILTER_KEYS = ['interface', 'service_id', 'region_id'] as const;
export type EndpointFilters = Partial<Record<(typeof FILTER_KEYS)[number], string | null>>;

export interface EndpointGroup {
  id: string;
  name: string;
  description: string | null;
  filters: EndpointFilters;
}

export const endpointGroupOf = (r: EndpointGroupRow): EndpointGroup => ({
  id: r.id,
  name: r.name,
  description: r.description,
  filters: parseObject(r.filters) as EndpointFilters,
});

const groupNotFound = (id: string) => new NotFound(`Could not find Endpoint Group: ${id}.`);

export async function getEndpointGroup(db: IdentityDb, id: string): Promise<EndpointGroupRow> {
  const row = await extensionDb(db).selectFrom('endpoint_groups').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw groupNotFound(id);
  return row;
}

export function listEndpointGroups(db: IdentityDb, filter: { name?: string }): Promise<EndpointGroupRow[]> {
  let q = extensionDb(db).selectFrom('endpoint_groups').selectAll().orderBy('id');
  if (filter.name !== undefined) q = q.where('name', '=', filter.name);
  return q.execute();
}

export async function createEndpointGroup(db: IdentityDb, row: EndpointGroupRow): Promise<EndpointGroupRow> {
  await extensionDb(db).insertInto('endpoint_groups').values(row).execute();
  return row;
}

export async function updateEndpointGroup(
  db: IdentityDb,
  id: string,
  patch: Partial<EndpointGroupRow>,
): Promise<EndpointGroupRow> {
  return db.transaction().execute(async (trx) => {
    const next = { ...(await getEndpointGroup(trx, id)), ...patch, id };
    await extensionDb(trx).updateTable('endpoint_groups').set(next).where('id', '=', id).execute();
    return next;
  });
}

/** Its project associations go with it (foreign key cascade). */
export async function deleteEndpointGroup(db: IdentityDb, id: string): Promise<void> {
  const res = await extensionDb(db).deleteFrom('endpoint_groups').where('id', '=', id).executeTakeFirst();
  if (!res.numDeletedRows) throw groupNotFound(id);
}

/** Every endpoint (enabled or not) whose attributes equal all of the group's filters. */
export function matchesFilters(endpoint: EndpointRow, filters: EndpointFilters): boolean {
  return Object.entries(filters).every(([key, value]) => endpoint[key as keyof EndpointRow] === value);
}

export async function endpointsInGroup(db: IdentityDb, id: string): Promise<EndpointRow[]> {
  const { filters } = endpointGroupOf(await getEndpointGroup(db, id));
  const all = await db.selectFrom('endpoints').selectAll().orderBy('id').execute();
  return all.filter((e) => matchesFilters(e, filters));
}

export async function addGroupToProject(db: IdentityDb, groupId: string, projectId: string): Promise<void> {
  try {
    await extensionDb(db)
      .insertInto('project_endpoint_groups')
      .values({ endpoint_group_id: groupId, project_id: projectId })
      .execute();
  } catch (err) {
    if (isUniqueViolation(err))
      throw new Conflict('Conflict occurred attempting to store project_endpoint_group - Duplicate entry.');
    throw err;
  }
}

const associationNotFound = () => new NotFound('Endpoint Group Project Association not found');

export async function checkGroupInProject(db: IdentityDb, groupId: string, projectId: string): Promise<void> {
  const row = await extensionDb(db)
    .selectFrom('project_endpoint_groups')
    .select('project_id')
    .where('endpoint_group_id', '=', groupId)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  if (!row) throw associationNotFound();
}

export async function removeGroupFromProject(db: IdentityDb, groupId: string, projectId: string): Promise<void> {
  const res = await extensionDb(db)
    .deleteFrom('project_endpoint_groups')
    .where('endpoint_group_id', '=', groupId)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  if (!res.numDeletedRows) throw associationNotFound();
}

export async function projectIdsOfGroup(db: IdentityDb, groupId: string): Promise<string[]> {
  const rows = await extensionDb(db)
    .selectFrom('project_endpoint_groups')
    .select('project_id')
    .where('endpoint_group_id', '=', groupId)
    .execute();
  return rows.map((r) => r.project_id);
}

export async function groupsOfProject(db: IdentityDb, projectId: string): Promise<EndpointGroupRow[]> {
  return extensionDb(db)
    .selectFrom('endpoint_groups')
    .innerJoin('project_endpoint_groups', 'project_endpoint_groups.endpoint_group_id', 'endpoint_groups.id')
    .selectAll('endpoint_groups')
    .where('project_endpoint_groups.project_id', '=', projectId)
    .orderBy('endpoint_groups.id')
    .execute();
}
