import { type Static, Type } from '@sinclair/typebox';
import type { AuthContext } from '../../core/auth/context.ts';
import { BadRequest } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { newId } from '../../core/ids.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import {
  createLimits,
  deleteLimit,
  findLimit,
  getLimit,
  type LimitFilter,
  limitOwner,
  listLimits,
  projectIdsInDomain,
  updateLimit,
} from '../store/limits.ts';
import type { LimitRow } from '../tables.ts';
import {
  Description,
  LimitValue,
  RegionId,
  ResourceName,
  registeredLimitsRoutes,
  ServiceId,
} from './registered-limits.ts';

const OwnerId = Type.Union([Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' }), Type.Null()]);
const LimitsCreate = Type.Object(
  {
    limits: Type.Array(
      Type.Object(
        {
          project_id: Type.Optional(OwnerId),
          domain_id: Type.Optional(OwnerId),
          service_id: ServiceId,
          region_id: Type.Optional(RegionId),
          resource_name: ResourceName,
          resource_limit: LimitValue,
          description: Type.Optional(Description),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
type LimitsCreate = Static<typeof LimitsCreate>;
const LimitUpdate = Type.Object(
  {
    limit: Type.Object(
      { resource_limit: Type.Optional(LimitValue), description: Type.Optional(Description) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
type LimitUpdate = Static<typeof LimitUpdate>;
const IdParam = Type.Object({ limit_id: Type.String({ maxLength: 64 }) });
type IdParam = Static<typeof IdParam>;
const ListQuery = Type.Object({
  service_id: Type.Optional(Type.String()),
  region_id: Type.Optional(Type.String()),
  resource_name: Type.Optional(Type.String()),
  project_id: Type.Optional(Type.String()),
  domain_id: Type.Optional(Type.String()),
});
type ListQuery = Static<typeof ListQuery>;

/** The only enforcement model Strata offers; Keystone's default. */
const FLAT_MODEL = {
  name: 'flat',
  description: 'Limit enforcement and validation does not take project hierarchy into consideration.',
};

/**
 * Which limits a caller may list, as Keystone decides it: admins, services and system-scoped callers see all;
 * a domain-scoped caller sees the domain's limits and those of its projects; a project-scoped caller sees its
 * project's only; an unscoped caller sees none.
 */
async function visibleLimits(deps: IdentityDeps, auth: AuthContext, filter: LimitFilter): Promise<LimitRow[]> {
  const roles = new Set(auth.roles.map((r) => r.name));
  if (auth.scope === 'system' || roles.has('admin') || roles.has('service')) return listLimits(deps.db, filter);
  if (auth.domainId) {
    const projects = await projectIdsInDomain(deps.db, auth.domainId);
    const rows = await listLimits(deps.db, filter);
    return rows.filter((l) => (l.project_id ? projects.has(l.project_id) : l.domain_id === auth.domainId));
  }
  if (auth.projectId) {
    if (filter.project_id !== undefined && filter.project_id !== auth.projectId) return [];
    return listLimits(deps.db, { ...filter, project_id: auth.projectId });
  }
  return [];
}

export function limitsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (r: LimitRow) => ({
    id: r.id,
    project_id: r.project_id,
    domain_id: r.domain_id,
    service_id: r.service_id,
    region_id: r.region_id,
    resource_name: r.resource_name,
    resource_limit: r.resource_limit,
    description: r.description,
    links: { self: deps.url(`/limits/${r.id}`) },
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/v3/limits/model',
    handler: async (req) => {
      req.ctx.enforce('identity:get_limit_model');
      return { model: FLAT_MODEL };
    },
  });

  app.route<{ Querystring: ListQuery }>({
    method: ['GET', 'HEAD'],
    url: '/v3/limits',
    schema: { querystring: ListQuery },
    handler: async (req) => {
      const auth = req.ctx.requireAuth();
      req.ctx.enforce('identity:list_limits');
      const rows = await visibleLimits(deps, auth, req.query);
      return { limits: rows.map(view), links: collectionLinks(deps, '/limits') };
    },
  });

  app.post<{ Body: LimitsCreate }>('/v3/limits', { schema: { body: LimitsCreate } }, async (req, reply) => {
    req.ctx.enforce('identity:create_limits');
    const rows = req.body.limits.map((l) => {
      // Keystone's schema: exactly one of project_id and domain_id.
      if ('project_id' in l === 'domain_id' in l || (l.project_id ?? l.domain_id) == null)
        throw new BadRequest("Invalid input for field 'limits': exactly one of project_id and domain_id is required");
      return {
        id: newId(),
        project_id: l.project_id ?? null,
        domain_id: l.domain_id ?? null,
        service_id: l.service_id,
        region_id: l.region_id ?? null,
        resource_name: l.resource_name,
        resource_limit: l.resource_limit,
        description: l.description ?? null,
      };
    });
    const created = await createLimits(deps.db, rows);
    // Keystone answers the created list without collection links.
    return reply.code(201).send({ limits: created.map(view) });
  });

  app.route<{ Params: IdParam }>({
    method: ['GET', 'HEAD'],
    url: '/v3/limits/:limit_id',
    schema: { params: IdParam },
    handler: async (req) => {
      const found = await findLimit(deps.db, req.params.limit_id);
      // The rule reads the owning project's domain (or the domain) beside the limit itself.
      const target = found ? { target: { limit: { ...found, ...(await limitOwner(deps.db, found)) } } } : {};
      req.ctx.enforce('identity:get_limit', target);
      return { limit: view(found ?? (await getLimit(deps.db, req.params.limit_id))) };
    },
  });

  app.patch<{ Params: IdParam; Body: LimitUpdate }>(
    '/v3/limits/:limit_id',
    { schema: { params: IdParam, body: LimitUpdate } },
    async (req) => {
      req.ctx.enforce('identity:update_limit');
      return { limit: view(await updateLimit(deps.db, req.params.limit_id, req.body.limit)) };
    },
  );

  app.delete<{ Params: IdParam }>('/v3/limits/:limit_id', { schema: { params: IdParam } }, async (req, reply) => {
    req.ctx.enforce('identity:delete_limit');
    await deleteLimit(deps.db, req.params.limit_id);
    return reply.code(204).send();
  });

  registeredLimitsRoutes(app, deps);
}
