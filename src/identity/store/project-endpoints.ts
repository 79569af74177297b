import { isUniqueViolation } from '../../core/db/database.ts';
import { Conflict, NotFound } from '../../core/errors.ts';
import { extensionDb } from '../extension-tables.ts';
import type { EndpointRow, IdentityDb } from '../tables.ts';
import { endpointGroupOf, groupsOfProject, matchesFilters } from './endpoint-groups.ts';

export async function addEndpointToProject(db: IdentityDb, endpointId: string, projectId: string): Promise<void> {
  try {
    await extensionDb(db)
      .insertInto('project_endpoints')
      .values({ endpoint_id: endpointId, project_id: projectId })
      .execute();
  } catch (err) {
    if (isUniqueViolation(err))
      throw new Conflict('Conflict occurred attempting to store project_endpoint - Duplicate entry.');
    throw err;
  }
}

const notInProject = (endpointId: string, projectId: string) =>
  new NotFound(`Endpoint ${endpointId} not found in project ${projectId}`);

export async function checkEndpointInProject(db: IdentityDb, endpointId: string, projectId: string): Promise<void> {
  const row = await extensionDb(db)
    .selectFrom('project_endpoints')
    .select('endpoint_id')
    .where('endpoint_id', '=', endpointId)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  if (!row) throw notInProject(endpointId, projectId);
}

export async function removeEndpointFromProject(db: IdentityDb, endpointId: string, projectId: string): Promise<void> {
  const res = await extensionDb(db)
    .deleteFrom('project_endpoints')
    .where('endpoint_id', '=', endpointId)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  if (!res.numDeletedRows) throw notInProject(endpointId, projectId);
}

export async function projectIdsOfEndpoint(db: IdentityDb, endpointId: string): Promise<string[]> {
  const rows = await extensionDb(db)
    .selectFrom('project_endpoints')
    .select('project_id')
    .where('endpoint_id', '=', endpointId)
    .orderBy('project_id')
    .execute();
  return rows.map((r) => r.project_id);
}

/**
 * Keystone's list_endpoints_for_project: the endpoints associated with the project directly, plus every
 * endpoint matched by an endpoint group associated with it. Disabled endpoints are included.
 */
export async function endpointsForProject(db: IdentityDb, projectId: string): Promise<EndpointRow[]> {
  const direct = await extensionDb(db)
    .selectFrom('endpoints')
    .innerJoin('project_endpoints', 'project_endpoints.endpoint_id', 'endpoints.id')
    .selectAll('endpoints')
    .where('project_endpoints.project_id', '=', projectId)
    .execute();
  const groups = (await groupsOfProject(db, projectId)).map(endpointGroupOf);
  const found = new Map(direct.map((e) => [e.id, e as EndpointRow]));
  if (groups.length > 0) {
    for (const e of await db.selectFrom('endpoints').selectAll().execute())
      if (!found.has(e.id) && groups.some((g) => matchesFilters(e, g.filters))) found.set(e.id, e);
  }
  return [...found.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * For the token catalog: the ids of the endpoints a project-scoped token may list, or undefined when the
 * project has no endpoint-filter associations (then the whole catalog is shown, Keystone's default
 * `return_all_endpoints_if_no_filter = true`).
 */
export async function catalogEndpointFilter(db: IdentityDb, projectId: string): Promise<Set<string> | undefined> {
  const endpoints = await endpointsForProject(db, projectId);
  return endpoints.length > 0 ? new Set(endpoints.map((e) => e.id)) : undefined;
}
