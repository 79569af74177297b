import { type Static, Type } from '@sinclair/typebox';
import { BadRequest } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { newId } from '../../core/ids.ts';
import { DEFAULT_DOMAIN } from '../bootstrap.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { effectiveRoles } from '../effective-roles.ts';
import { rawQuery } from '../query-hints.ts';
import { queryFlag, splitExtra, toBool } from '../rows.ts';
import { deleteDomain } from '../store/domains.ts';
import { parentsAsIds, parentsOf, subtreeAsIds, subtreeOf } from '../store/project-tree.ts';
import {
  createProject,
  deleteProject,
  findProject,
  getProject,
  listProjects,
  type Project,
  type ProjectFilter,
  projectOf,
  projectTarget,
  tagsOf,
  updateProject,
} from '../store/projects.ts';
import type { IdentityDb, ProjectRow } from '../tables.ts';
import { createDefaults, filterBool, IdString, Name, normalizeKeys, SharedFields } from './project-fields.ts';
import { projectTagsRoutes } from './project-tags.ts';

const Fields = {
  ...SharedFields,
  domain_id: Type.Optional(Type.Union([IdString, Type.Null()])),
  is_domain: Type.Optional(Type.Boolean()),
  parent_id: Type.Optional(Type.Union([IdString, Type.Null()])),
};
const ProjectCreate = Type.Object({
  project: Type.Object({ name: Name, ...Fields }, { additionalProperties: true }),
});
type ProjectCreate = Static<typeof ProjectCreate>;
const ProjectUpdate = Type.Object({
  project: Type.Object({ name: Type.Optional(Name), ...Fields }, { additionalProperties: true, minProperties: 1 }),
});
type ProjectUpdate = Static<typeof ProjectUpdate>;
const IdParam = Type.Object({ project_id: Type.String({ maxLength: 64 }) });
type IdParam = Static<typeof IdParam>;
const Filter = Type.Optional(Type.String());
// Open-ended: Keystone ignores filters it does not know and reads `name__icontains` style ones.
const ListQuery = Type.Object(
  {
    domain_id: Filter,
    enabled: Filter,
    name: Filter,
    parent_id: Filter,
    is_domain: Filter,
    tags: Filter,
    'tags-any': Filter,
    'not-tags': Filter,
    'not-tags-any': Filter,
  },
  { additionalProperties: true },
);
type ListQuery = Static<typeof ListQuery>;
const ShowQuery = Type.Object(
  { parents_as_list: Filter, parents_as_ids: Filter, subtree_as_list: Filter, subtree_as_ids: Filter },
  { additionalProperties: true },
);
type ShowQuery = Static<typeof ShowQuery>;

const KNOWN = ['name', 'description', 'domain_id', 'enabled', 'is_domain', 'parent_id', 'tags', 'options'] as const;

export function projectsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (r: ProjectRow, tags: readonly string[]): Project & { links: { self: string } } => ({
    ...projectOf(r, tags),
    links: { self: deps.url(`/projects/${r.id}`) },
  });
  const viewAll = async (rows: ProjectRow[]) => {
    const tags = await tagsOf(
      deps.db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => view(r, tags.get(r.id) ?? []));
  };
  const targetOf = (id: string, row: ProjectRow | undefined) => ({
    project_id: id,
    ...(row && { target: { project: projectTarget(row) } }),
  });

  app.route<{ Querystring: ListQuery }>({
    method: ['GET', 'HEAD'],
    url: '/v3/projects',
    schema: { querystring: ListQuery },
    handler: async (req) => {
      const auth = req.ctx.requireAuth();
      req.ctx.enforce('identity:list_projects', auth.domainId ? { target: { domain_id: auth.domainId } } : {});
      const rows = await listProjects(deps.db, projectFilter(req.query));
      // A domain-scoped reader sees only its own domain's projects.
      const visible = auth.domainId ? rows.filter((r) => r.domain_id === auth.domainId) : rows;
      return { projects: await viewAll(visible), links: collectionLinks(deps, '/projects', rawQuery(req.url)) };
    },
  });

  app.post<{ Body: ProjectCreate }>('/v3/projects', { schema: { body: ProjectCreate } }, async (req, reply) => {
    const body = req.body.project;
    req.ctx.enforce('identity:create_project', { target: { project: body } });
    const auth = req.ctx.requireAuth();
    const [cols, extra] = splitExtra(body, KNOWN);
    const isDomain = cols.is_domain === true;
    // Keystone fills a missing domain from a domain-scoped token, else the default domain. Given only a parent,
    // we take the parent's domain instead of failing on a domain mismatch.
    const domainId = isDomain ? null : (body.domain_id ?? auth.domainId ?? (body.parent_id ? null : DEFAULT_DOMAIN));
    const { row, tags } = await createProject(deps.db, {
      id: newId(),
      name: body.name,
      is_domain: isDomain,
      domain_id: isDomain ? (body.domain_id ?? null) : domainId,
      parent_id: body.parent_id ?? null,
      ...createDefaults(body),
      extra: normalizeKeys(extra),
    });
    return reply.code(201).send({ project: view(row, tags) });
  });

  app.route<{ Params: IdParam; Querystring: ShowQuery }>({
    method: ['GET', 'HEAD'],
    url: '/v3/projects/:project_id',
    schema: { params: IdParam, querystring: ShowQuery },
    handler: async (req) => {
      const id = req.params.project_id;
      const found = await findProject(deps.db, id);
      req.ctx.enforce('identity:get_project', targetOf(id, found));
      const row = found ?? (await getProject(deps.db, id));
      const q = req.query;
      const flag = (name: keyof ShowQuery) => q[name] !== undefined && queryFlag(q[name]);
      if (flag('parents_as_list') && flag('parents_as_ids'))
        throw new BadRequest('Cannot use parents_as_list and parents_as_ids query params at the same time.');
      if (flag('subtree_as_list') && flag('subtree_as_ids'))
        throw new BadRequest('Cannot use subtree_as_list and subtree_as_ids query params at the same time.');
      const userId = req.ctx.requireAuth().userId;
      const project: Record<string, unknown> = view(row, (await tagsOf(deps.db, [id])).get(id) ?? []);
      if (flag('parents_as_list') || flag('parents_as_ids')) {
        const parents = await parentsOf(deps.db, row);
        project.parents = flag('parents_as_ids')
          ? parentsAsIds(parents)
          : (await viewAll(await accessible(deps.db, userId, parents))).map((p) => ({ project: p }));
      }
      if (flag('subtree_as_list') || flag('subtree_as_ids')) {
        const subtree = await subtreeOf(deps.db, id);
        project.subtree = flag('subtree_as_ids')
          ? subtreeAsIds(id, subtree)
          : (await viewAll(await accessible(deps.db, userId, subtree))).map((p) => ({ project: p }));
      }
      return { project };
    },
  });

  app.patch<{ Params: IdParam; Body: ProjectUpdate }>(
    '/v3/projects/:project_id',
    { schema: { params: IdParam, body: ProjectUpdate } },
    async (req) => {
      const id = req.params.project_id;
      req.ctx.enforce('identity:update_project', targetOf(id, await findProject(deps.db, id)));
      const body = req.body.project as ProjectUpdate['project'] & { id?: unknown };
      if (body.id !== undefined && body.id !== null && body.id !== id) throw new BadRequest('Cannot change ID');
      const [, extra] = splitExtra(body, KNOWN);
      const { before, row, tags } = await updateProject(deps.db, id, {
        sent: Object.keys(body),
        name: body.name,
        description: body.description,
        enabled: body.enabled,
        tags: body.tags,
        options: body.options,
        extra: normalizeKeys(extra),
        domain_id: body.domain_id,
        parent_id: body.parent_id,
        is_domain: body.is_domain,
      });
      if (toBool(before.enabled) && !toBool(row.enabled))
        await deps.revocations.revoke(toBool(row.is_domain) ? { domain_id: id } : { project_id: id });
      return { project: view(row, tags) };
    },
  );

  app.delete<{ Params: IdParam }>('/v3/projects/:project_id', { schema: { params: IdParam } }, async (req, reply) => {
    const id = req.params.project_id;
    const found = await findProject(deps.db, id);
    req.ctx.enforce('identity:delete_project', targetOf(id, found));
    // A project acting as a domain is deleted as a domain: disabled first, contents with it.
    if (found && toBool(found.is_domain)) {
      await deleteDomain(deps.db, id);
      await deps.revocations.revoke({ domain_id: id });
    } else {
      await deleteProject(deps.db, id);
      await deps.revocations.revoke({ project_id: id });
    }
    return reply.code(204).send();
  });

  projectTagsRoutes(app, deps);
}

function projectFilter(q: ListQuery): ProjectFilter {
  const list = (v: string | undefined) => (v === undefined ? undefined : [...new Set(v.split(','))]);
  const nameLike: NonNullable<ProjectFilter['nameLike']>[number][] = [];
  for (const [key, value] of Object.entries(q)) {
    const m = /^name__(i?)(contains|startswith|endswith)$/.exec(key);
    if (m && typeof value === 'string')
      nameLike.push({ op: m[2] as 'contains' | 'startswith' | 'endswith', value, caseSensitive: m[1] === '' });
  }
  return {
    domain_id: q.domain_id,
    enabled: filterBool(q.enabled),
    name: q.name,
    parent_id: q.parent_id,
    // Domains are listed only when asked for: Keystone adds is_domain=0 when the query does not mention it.
    is_domain: filterBool(q.is_domain) ?? false,
    nameLike,
    tags: list(q.tags),
    tagsAny: list(q['tags-any']),
    notTags: list(q['not-tags']),
    notTagsAny: list(q['not-tags-any']),
  };
}

/**
 * Keystone shows in parents_as_list / subtree_as_list only the projects the caller holds a role on (its
 * list_projects_for_user), which never includes the domain at the top.
 */
async function accessible(db: IdentityDb, userId: string, rows: readonly ProjectRow[]): Promise<ProjectRow[]> {
  const out: ProjectRow[] = [];
  for (const r of rows) {
    if (toBool(r.is_domain)) continue;
    if ((await effectiveRoles(db, userId, { project: r.id })).length > 0) out.push(r);
  }
  return out;
}
