import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { endpointOf, getEndpoint } from '../store/endpoints.ts';
import {
  addEndpointToProject,
  checkEndpointInProject,
  endpointsForProject,
  projectIdsOfEndpoint,
  removeEndpointFromProject,
} from '../store/project-endpoints.ts';
import { getProject, projectsByIds } from '../store/projects.ts';

/**
 * OS-EP-FILTER project-endpoint associations: once a project has any (directly or through an endpoint group),
 * its project-scoped tokens list only those endpoints. GET routes also answer HEAD, as Keystone's do.
 */
const ProjectParam = Type.Object({ project_id: Type.String({ maxLength: 64 }) });
type ProjectParam = Static<typeof ProjectParam>;
const EndpointParam = Type.Object({ endpoint_id: Type.String({ maxLength: 64 }) });
type EndpointParam = Static<typeof EndpointParam>;
const BothParams = Type.Object({
  project_id: Type.String({ maxLength: 64 }),
  endpoint_id: Type.String({ maxLength: 64 }),
});
type BothParams = Static<typeof BothParams>;

const BASE = '/v3/OS-EP-FILTER';

export function projectEndpointsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  app.route<{ Params: ProjectParam }>({
    method: ['GET', 'HEAD'],
    url: `${BASE}/projects/:project_id/endpoints`,
    schema: { params: ProjectParam },
    handler: async (req) => {
      req.ctx.enforce('identity:list_endpoints_for_project');
      await getProject(deps.db, req.params.project_id);
      const rows = await endpointsForProject(deps.db, req.params.project_id);
      return {
        endpoints: rows.map((r) => ({ ...endpointOf(r), links: { self: deps.url(`/endpoints/${r.id}`) } })),
        links: collectionLinks(deps, `/OS-EP-FILTER/projects/${req.params.project_id}/endpoints`),
      };
    },
  });

  app.route<{ Params: BothParams }>({
    method: ['GET', 'HEAD'],
    url: `${BASE}/projects/:project_id/endpoints/:endpoint_id`,
    schema: { params: BothParams },
    handler: async (req, reply) => {
      req.ctx.enforce('identity:check_endpoint_in_project');
      const { project_id, endpoint_id } = req.params;
      await getEndpoint(deps.db, endpoint_id);
      await getProject(deps.db, project_id);
      await checkEndpointInProject(deps.db, endpoint_id, project_id);
      return reply.code(204).send();
    },
  });

  app.put<{ Params: BothParams }>(
    `${BASE}/projects/:project_id/endpoints/:endpoint_id`,
    { schema: { params: BothParams } },
    async (req, reply) => {
      req.ctx.enforce('identity:add_endpoint_to_project');
      const { project_id, endpoint_id } = req.params;
      await deps.db.transaction().execute(async (trx) => {
        await getEndpoint(trx, endpoint_id);
        await getProject(trx, project_id);
        await addEndpointToProject(trx, endpoint_id, project_id);
      });
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: BothParams }>(
    `${BASE}/projects/:project_id/endpoints/:endpoint_id`,
    { schema: { params: BothParams } },
    async (req, reply) => {
      req.ctx.enforce('identity:remove_endpoint_from_project');
      await removeEndpointFromProject(deps.db, req.params.endpoint_id, req.params.project_id);
      return reply.code(204).send();
    },
  );

  app.route<{ Params: EndpointParam }>({
    method: ['GET', 'HEAD'],
    url: `${BASE}/endpoints/:endpoint_id/projects`,
    schema: { params: EndpointParam },
    handler: async (req) => {
      req.ctx.enforce('identity:list_projects_for_endpoint');
      await getEndpoint(deps.db, req.params.endpoint_id);
      const projects = await projectsByIds(deps.db, await projectIdsOfEndpoint(deps.db, req.params.endpoint_id));
      return {
        projects: projects.map((p) => ({ ...p, links: { self: deps.url(`/projects/${p.id}`) } })),
        links: collectionLinks(deps, `/OS-EP-FILTER/endpoints/${req.params.endpoint_id}/projects`),
      };
    },
  });
}
