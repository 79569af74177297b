import { type Static, Type } from '@sinclair/typebox';
import type { RequestContext, ServiceApp } from '../../core/http/service.ts';
import type { IdentityDeps } from '../deps.ts';
import {
  addProjectTag,
  hasProjectTag,
  listProjectTags,
  removeProjectTag,
  setProjectTags,
} from '../store/project-tags.ts';
import { findProject, projectTarget } from '../store/projects.ts';
import { Tag, Tags } from './project-fields.ts';

const IdParam = Type.Object({ project_id: Type.String({ maxLength: 64 }) });
type IdParam = Static<typeof IdParam>;
const TagParam = Type.Object({ project_id: Type.String({ maxLength: 64 }), value: Tag });
type TagParam = Static<typeof TagParam>;
const TagsBody = Type.Object({ tags: Tags });
type TagsBody = Static<typeof TagsBody>;

/** /v3/projects/{id}/tags: the API-WG tags guideline as Keystone implements it. Registered by projectsRoutes. */
export function projectTagsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const enforce = async (req: { ctx: RequestContext }, rule: string, id: string) => {
    const row = await findProject(deps.db, id);
    req.ctx.enforce(rule, { project_id: id, ...(row && { target: { project: projectTarget(row) } }) });
  };
  const tagsBody = (id: string, tags: string[]) => ({ tags, links: { self: deps.url(`/projects/${id}/tags`) } });

  app.route<{ Params: IdParam }>({
    method: ['GET', 'HEAD'],
    url: '/v3/projects/:project_id/tags',
    schema: { params: IdParam },
    handler: async (req) => {
      await enforce(req, 'identity:list_project_tags', req.params.project_id);
      return tagsBody(req.params.project_id, await listProjectTags(deps.db, req.params.project_id));
    },
  });

  app.put<{ Params: IdParam; Body: TagsBody }>(
    '/v3/projects/:project_id/tags',
    { schema: { params: IdParam, body: TagsBody } },
    async (req) => {
      await enforce(req, 'identity:update_project_tags', req.params.project_id);
      return tagsBody(req.params.project_id, await setProjectTags(deps.db, req.params.project_id, req.body.tags));
    },
  );

  app.delete<{ Params: IdParam }>(
    '/v3/projects/:project_id/tags',
    { schema: { params: IdParam } },
    async (req, reply) => {
      await enforce(req, 'identity:delete_project_tags', req.params.project_id);
      await setProjectTags(deps.db, req.params.project_id, []);
      return reply.code(204).send();
    },
  );

  app.route<{ Params: TagParam }>({
    method: ['GET', 'HEAD'],
    url: '/v3/projects/:project_id/tags/:value',
    schema: { params: TagParam },
    handler: async (req, reply) => {
      await enforce(req, 'identity:get_project_tag', req.params.project_id);
      await hasProjectTag(deps.db, req.params.project_id, req.params.value);
      return reply.code(204).send();
    },
  });

  app.put<{ Params: TagParam }>(
    '/v3/projects/:project_id/tags/:value',
    { schema: { params: TagParam } },
    async (req, reply) => {
      const { project_id: id, value } = req.params;
      await enforce(req, 'identity:create_project_tag', id);
      const tag = await addProjectTag(deps.db, id, value);
      // 201 with an empty body and the tag's URL, as the API-WG tags guideline asks.
      return reply
        .code(201)
        .header('location', deps.url(`/projects/${id}/tags/${encodeURIComponent(tag)}`))
        .send();
    },
  );

  app.delete<{ Params: TagParam }>(
    '/v3/projects/:project_id/tags/:value',
    { schema: { params: TagParam } },
    async (req, reply) => {
      await enforce(req, 'identity:delete_project_tag', req.params.project_id);
      await removeProjectTag(deps.db, req.params.project_id, req.params.value);
      return reply.code(204).send();
    },
  );
}
