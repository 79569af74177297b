import { type Static, Type } from '@sinclair/typebox';
import { BadRequest } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { newId } from '../../core/ids.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import type { EndpointGroupRow } from '../extension-tables.ts';
import {
  addGroupToProject,
  checkGroupInProject,
  createEndpointGroup,
  deleteEndpointGroup,
  endpointGroupOf,
  endpointsInGroup,
  getEndpointGroup,
  groupsOfProject,
  listEndpointGroups,
  projectIdsOfGroup,
  removeGroupFromProject,
  updateEndpointGroup,
} from '../store/endpoint-groups.ts';
import { endpointOf } from '../store/endpoints.ts';
import { getProject, projectsByIds } from '../store/projects.ts';
import type { EndpointRow } from '../tables.ts';

/**
 * OS-EP-FILTER endpoint groups: a named filter over endpoint attributes that, associated with a project, limits
 * that project's token catalog to the matching endpoints (see store/project-endpoints.ts). Keystone (Flask)
 * answers HEAD wherever it answers GET, with GET's status; every GET here is declared for both.
 */
const Filters = Type.Object(
  {
    interface: Type.Optional(Type.Union([Type.Literal('admin'), Type.Literal('internal'), Type.Literal('public')])),
    service_id: Type.Optional(Type.String()),
    region_id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  { additionalProperties: false },
);
const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' });
const Description = Type.Union([Type.String(), Type.Null()]);
const GroupCreate = Type.Object({
  endpoint_group: Type.Object(
    { name: Name, description: Type.Optional(Description), filters: Filters },
    { additionalProperties: false },
  ),
});
type GroupCreate = Static<typeof GroupCreate>;
const GroupUpdate = Type.Object({
  endpoint_group: Type.Object(
    {
      id: Type.Optional(Type.String()),
      name: Type.Optional(Name),
      description: Type.Optional(Description),
      filters: Type.Optional(Filters),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
});
type GroupUpdate = Static<typeof GroupUpdate>;
const GroupParam = Type.Object({ endpoint_group_id: Type.String({ maxLength: 64 }) });
type GroupParam = Static<typeof GroupParam>;
const GroupProjectParams = Type.Object({
  endpoint_group_id: Type.String({ maxLength: 64 }),
  project_id: Type.String({ maxLength: 64 }),
});
type GroupProjectParams = Static<typeof GroupProjectParams>;
const ProjectParam = Type.Object({ project_id: Type.String({ maxLength: 64 }) });
type ProjectParam = Static<typeof ProjectParam>;
const ListQuery = Type.Object({ name: Type.Optional(Type.String()) });
type ListQuery = Static<typeof ListQuery>;

const BASE = '/v3/OS-EP-FILTER';

function requireFilters(filters: Record<string, unknown>): void {
  if (Object.keys(filters).length === 0) throw new BadRequest('filters field is required and cannot be empty');
}

export function endpointGroupsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (r: EndpointGroupRow) => ({
    ...endpointGroupOf(r),
    links: { self: deps.url(`/OS-EP-FILTER/endpoint_groups/${r.id}`) },
  });
  const endpointView = (r: EndpointRow) => ({ ...endpointOf(r), links: { self: deps.url(`/endpoints/${r.id}`) } });
  const projectsView = async (ids: readonly string[]) =>
    (await projectsByIds(deps.db, ids)).map((p) => ({ ...p, links: { self: deps.url(`/projects/${p.id}`) } }));

  app.route<{ Querystring: ListQuery }>({
    method: ['GET', 'HEAD'],
    url: `${BASE}/endpoint_groups`,
    schema: { querystring: ListQuery },
    handler: async (req) => {
      req.ctx.enforce('identity:list_endpoint_groups');
      const rows = await listEndpointGroups(deps.db, req.query);
      return { endpoint_groups: rows.map(view), links: collectionLinks(deps, '/OS-EP-FILTER/endpoint_groups') };
    },
  });

  app.post<{ Body: GroupCreate }>(`${BASE}/endpoint_groups`, { schema: { body: GroupCreate } }, async (req, reply) => {
    req.ctx.enforce('identity:create_endpoint_group');
    const body = req.body.endpoint_group;
    requireFilters(body.filters);
    const row = await createEndpointGroup(deps.db, {
      id: newId(),
      name: body.name,
      description: body.description ?? null,
      filters: JSON.stringify(body.filters),
    });
    return reply.code(201).send({ endpoint_group: view(row) });
  });

  app.route<{ Params: GroupParam }>({
    method: ['GET', 'HEAD'],
    url: `${BASE}/endpoint_groups/:endpoint_group_id`,
    schema: { params: GroupParam },
    handler: async (req) => {
      req.ctx.enforce('identity:get_endpoint_group');
      return { endpoint_group: view(await getEndpointGroup(deps.db, req.params.endpoint_group_id)) };
    },
  });

  app.patch<{ Params: GroupParam; Body: GroupUpdate }>(
    `${BASE}/endpoint_groups/:endpoint_group_id`,
    { schema: { params: GroupParam, body: GroupUpdate } },
    async (req) => {
      req.ctx.enforce('identity:update_endpoint_group');
      const { id, name, description, filters } = req.body.endpoint_group;
      if (id !== undefined && id !== req.params.endpoint_group_id) throw new BadRequest('Cannot change ID');
      if (filters) requireFilters(filters);
      const row = await updateEndpointGroup(deps.db, req.params.endpoint_group_id, {
        ...(name !== undefined && { name }),
        ...(description !== undefined && { description }),
        ...(filters !== undefined && { filters: JSON.stringify(filters) }),
      });
      return { endpoint_group: view(row) };
    },
  );

  app.delete<{ Params: GroupParam }>(
    `${BASE}/endpoint_groups/:endpoint_group_id`,
    { schema: { params: GroupParam } },
    async (req, reply) => {
      req.ctx.enforce('identity:delete_endpoint_group');
      await deleteEndpointGroup(deps.db, req.params.endpoint_group_id);
      return reply.code(204).send();
    },
  );

  app.route<{ Params: GroupParam }>({
    method: ['GET', 'HEAD'],
    url: `${BASE}/endpoint_groups/:endpoint_group_id/endpoints`,
    schema: { params: GroupParam },
    handler: async (req) => {
      req.ctx.enforce('identity:list_endpoints_associated_with_endpoint_group');
      const rows = await endpointsInGroup(deps.db, req.params.endpoint_group_id);
      return {
        endpoints: rows.map(endpointView),
        links: collectionLinks(deps, `/OS-EP-FILTER/endpoint_groups/${req.params.endpoint_group_id}/endpoints`),
      };
    },
  });

  // As Keystone, an unknown group simply has no projects (200, empty list).
  app.route<{ Params: GroupParam }>({
    method: ['GET', 'HEAD'],
    url: `${BASE}/endpoint_groups/:endpoint_group_id/projects`,
    schema: { params: GroupParam },
    handler: async (req) => {
      req.ctx.enforce('identity:list_projects_associated_with_endpoint_group');
      const ids = await projectIdsOfGroup(deps.db, req.params.endpoint_group_id);
      return {
        projects: await projectsView(ids),
        links: collectionLinks(deps, `/OS-EP-FILTER/endpoint_groups/${req.params.endpoint_group_id}/projects`),
      };
    },
  });

  app.route<{ Params: GroupProjectParams }>({
    method: ['GET', 'HEAD'],
    url: `${BASE}/endpoint_groups/:endpoint_group_id/projects/:project_id`,
    schema: { params: GroupProjectParams },
    handler: async (req) => {
      req.ctx.enforce('identity:get_endpoint_group_in_project');
      const { endpoint_group_id, project_id } = req.params;
      await getProject(deps.db, project_id);
      await getEndpointGroup(deps.db, endpoint_group_id);
      await checkGroupInProject(deps.db, endpoint_group_id, project_id);
      return {
        project_endpoint_group: {
          endpoint_group_id,
          project_id,
          links: { self: deps.url(`/OS-EP-FILTER/endpoint_groups/${endpoint_group_id}/projects/${project_id}`) },
        },
      };
    },
  });

  app.put<{ Params: GroupProjectParams }>(
    `${BASE}/endpoint_groups/:endpoint_group_id/projects/:project_id`,
    { schema: { params: GroupProjectParams } },
    async (req, reply) => {
      req.ctx.enforce('identity:add_endpoint_group_to_project');
      const { endpoint_group_id, project_id } = req.params;
      await deps.db.transaction().execute(async (trx) => {
        await getProject(trx, project_id);
        await getEndpointGroup(trx, endpoint_group_id);
        await addGroupToProject(trx, endpoint_group_id, project_id);
      });
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: GroupProjectParams }>(
    `${BASE}/endpoint_groups/:endpoint_group_id/projects/:project_id`,
    { schema: { params: GroupProjectParams } },
    async (req, reply) => {
      req.ctx.enforce('identity:remove_endpoint_group_from_project');
      const { endpoint_group_id, project_id } = req.params;
      await getProject(deps.db, project_id);
      await getEndpointGroup(deps.db, endpoint_group_id);
      await removeGroupFromProject(deps.db, endpoint_group_id, project_id);
      return reply.code(204).send();
    },
  );

  app.route<{ Params: ProjectParam }>({
    method: ['GET', 'HEAD'],
    url: `${BASE}/projects/:project_id/endpoint_groups`,
    schema: { params: ProjectParam },
    handler: async (req) => {
      req.ctx.enforce('identity:list_endpoint_groups_for_project');
      await getProject(deps.db, req.params.project_id);
      const rows = await groupsOfProject(deps.db, req.params.project_id);
      return {
        endpoint_groups: rows.map(view),
        links: collectionLinks(deps, `/OS-EP-FILTER/projects/${req.params.project_id}/endpoint_groups`),
      };
    },
  });
}
