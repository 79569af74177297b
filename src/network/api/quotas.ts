import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { callerOf, enforce } from '../access.ts';
import { bodyMembers, v } from '../attributes.ts';
import type { NetworkDeps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { quotaResources, usageOf } from '../quotas.ts';
import { deleteLimits, limitsOf, projectsWithQuotas, setLimit } from '../store/quotas.ts';

interface IdParams {
  project_id: string;
}

/** Neutron's DB_INTEGER_MAX_VALUE: the largest limit a quota column holds. */
const MAX_LIMIT = 2 ** 31 - 1;
const parseLimit = v.integer(-1, MAX_LIMIT);

/** /v2.0/quotas (quotas extension) and /v2.0/quotas/{project_id}/details (quota_details). */
export function quotasRoutes(app: ServiceApp, deps: NetworkDeps): void {
  app.get('/v2.0/quotas', async (req) => {
    enforce(req, 'get_quota', ownTarget(req));
    const all = await projectsWithQuotas(deps.db, deps);
    return {
      quotas: [...all].map(([projectId, limits]) => ({
        ...shown(deps, limits),
        project_id: projectId,
        tenant_id: projectId,
      })),
    };
  });

  // The caller's own project (python-neutronclient's `quota-show` without a project asks this).
  for (const key of ['project', 'tenant'] as const)
    app.get(`/v2.0/quotas/${key}`, async (req) => {
      const { projectId } = callerOf(req);
      if (!projectId) throw new ApiError(400, 'QuotaMissingTenant', 'Tenant-id was missing from quota request.');
      return { [key]: { [`${key}_id`]: projectId } };
    });

  app.get<{ Params: IdParams }>('/v2.0/quotas/:project_id', async (req) => {
    checkReadable(req, req.params.project_id);
    return { quota: shown(deps, await limitsOf(deps.db, deps, req.params.project_id)) };
  });

  app.get<{ Params: IdParams }>('/v2.0/quotas/:project_id/default', async (req) => {
    checkReadable(req, req.params.project_id);
    return { quota: shown(deps, deps.config.network.quotas) };
  });

  const details = async (req: FastifyRequest<{ Params: IdParams }>) => {
    const caller = callerOf(req);
    const projectId = req.params.project_id;
    if (projectId !== caller.projectId && !caller.isAdmin)
      throw new ApiError(
        403,
        'AdminRequired',
        'User does not have admin privileges: Only admin is authorized to access quotas for another project.',
      );
    const limits = await limitsOf(deps.db, deps, projectId);
    const quota: Record<string, { limit: number; used: number; reserved: number }> = {};
    for (const resource of quotaResources(deps))
      quota[resource] = {
        limit: limits[resource],
        used: await usageOf(deps.db, deps, projectId, resource),
        reserved: 0,
      };
    return { quota };
  };
  app.get<{ Params: IdParams }>('/v2.0/quotas/:project_id/details', details);
  // Tempest's quotas client asks for `details.json`.
  app.get<{ Params: IdParams }>('/v2.0/quotas/:project_id/details.json', details);

  app.put<{ Params: IdParams }>('/v2.0/quotas/:project_id', async (req) => {
    enforce(req, 'update_quota', ownTarget(req));
    const projectId = req.params.project_id;
    const [input] = bodyMembers(req.body, 'quota', 'quotas', false);
    const { force, check_limit: checkLimit, ...wanted } = input;
    const resources = quotaResources(deps);
    const unknown = Object.keys(wanted).filter((k) => !resources.includes(k));
    if (unknown.length > 0) throw badRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
    const limits = Object.entries(wanted).map(
      ([resource, value]) => [resource, parseLimit(value, resource) as number] as const,
    );
    void force;
    await deps.db.transaction().execute(async (trx) => {
      if (checkLimit === true || checkLimit === 'true' || checkLimit === 'True')
        for (const [resource, limit] of limits) {
          const used = await usageOf(trx, deps, projectId, resource);
          if (limit >= 0 && used > limit)
            throw badRequest(
              `Quota limit ${limit} for ${resource} must be greater than or equal to already used ${used}`,
            );
        }
      for (const [resource, limit] of limits) await setLimit(trx, projectId, resource, limit);
    });
    return { quota: shown(deps, await limitsOf(deps.db, deps, projectId)) };
  });

  app.delete<{ Params: IdParams }>('/v2.0/quotas/:project_id', async (req, reply) => {
    enforce(req, 'delete_quota', ownTarget(req));
    const removed = await deleteLimits(deps.db, req.params.project_id);
    if (!removed)
      throw new ApiError(404, 'TenantQuotaNotFound', `Quota for project ${req.params.project_id} could not be found.`);
    return reply.code(204).send();
  });
}

/** Neutron checks quota rules against the caller's own project. */
function ownTarget(req: FastifyRequest): Record<string, unknown> {
  const { projectId } = callerOf(req);
  return { project_id: projectId, tenant_id: projectId };
}

/** Anyone may read their own project's quotas; another project's need `get_quota` (admin). */
function checkReadable(req: FastifyRequest, projectId: string): void {
  if (projectId !== callerOf(req).projectId) enforce(req, 'get_quota', ownTarget(req));
}

function shown(deps: NetworkDeps, limits: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of quotaResources(deps)) out[r] = limits[r];
  return out;
}
