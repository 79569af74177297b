import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import { NovaBoolean, toBool } from '../api-types.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { queryValue } from '../list-paging.ts';
import { countUsage } from '../quota-usage.ts';
import { pick, QuotaValue, quotaResources } from '../quota-view.ts';
import { ALL_RESOURCES, defaultLimits, projectLimits } from '../quotas.ts';
import { enforceNova } from '../server-access.ts';

const QuotaUpdate = Type.Object(
  {
    quota_set: Type.Object(
      {
        force: Type.Optional(NovaBoolean),
        ...Object.fromEntries(ALL_RESOURCES.map((r) => [r, Type.Optional(QuotaValue)])),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
type QuotaUpdate = Static<typeof QuotaUpdate>;
type ProjectParams = { project_id: string };

/**
 * /os-quota-sets/{project_id}: limits (with `?user_id=` the user's), `/defaults`, `/detail` with in_use and
 * reserved, admin update (refused below current usage unless `force`) and delete (back to the defaults).
 */
export function quotaSetRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const userOf = (req: FastifyRequest) => queryValue((req.query as Record<string, unknown>).user_id) || undefined;
  const target = (req: FastifyRequest<{ Params: ProjectParams }>) => ({
    project_id: req.params.project_id,
    user_id: userOf(req) ?? req.ctx.requireAuth().userId,
  });

  app.get<{ Params: ProjectParams }>('/v2.1/os-quota-sets/:project_id', async (req) => {
    enforceNova(req, 'os_compute_api:os-quota-sets:show', target(req));
    const limits = await projectLimits(deps, req.params.project_id, userOf(req));
    return { quota_set: { id: req.params.project_id, ...pick(limits, quotaResources(req.microversion, 'set')) } };
  });

  app.get<{ Params: ProjectParams }>('/v2.1/os-quota-sets/:project_id/defaults', async (req) => {
    enforceNova(req, 'os_compute_api:os-quota-sets:defaults', {});
    const limits = await defaultLimits(deps);
    return { quota_set: { id: req.params.project_id, ...pick(limits, quotaResources(req.microversion, 'set')) } };
  });

  app.get<{ Params: ProjectParams }>('/v2.1/os-quota-sets/:project_id/detail', async (req) => {
    enforceNova(req, 'os_compute_api:os-quota-sets:detail', target(req));
    const user = userOf(req);
    const limits = await projectLimits(deps, req.params.project_id, user);
    const usage = await countUsage(deps, req.params.project_id, user, user ?? req.ctx.requireAuth().userId);
    const used = usage as unknown as Record<string, number>;
    const detail: Record<string, unknown> = { id: req.params.project_id };
    for (const r of quotaResources(req.microversion, 'set'))
      detail[r] = { limit: limits[r] ?? -1, in_use: used[r] ?? 0, reserved: 0 };
    return { quota_set: detail };
  });

  app.put<{ Params: ProjectParams; Body: QuotaUpdate }>(
    '/v2.1/os-quota-sets/:project_id',
    { schema: { body: QuotaUpdate } },
    async (req) => {
      enforceNova(req, 'os_compute_api:os-quota-sets:update', target(req));
      const allowed = quotaResources(req.microversion, 'set');
      const { force, ...given } = req.body.quota_set as Record<string, number | string | boolean | undefined>;
      for (const key of Object.keys(given))
        if (!allowed.includes(key))
          throw badRequest(
            `Invalid input for field/attribute quota_set. Additional properties are not allowed ('${key}' was unexpected)`,
          );
      const projectId = req.params.project_id;
      const user = userOf(req);
      // The ids name Keystone projects and users (64 characters at most); longer ones cannot be stored.
      if (projectId.length > 255 || (user?.length ?? 0) > 255) throw badRequest('Project or user id is too long.');
      const values = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, Number(v)]));
      for (const [k, v] of Object.entries(values))
        if (!Number.isInteger(v) || v < -1 || v > 0x7fffffff)
          throw badRequest(`Invalid input for field/attribute ${k}. Value: ${given[k]}.`);
      if (!(force !== undefined && toBool(force as boolean | string))) {
        const used = (await countUsage(deps, projectId, user, user)) as unknown as Record<string, number>;
        for (const [k, v] of Object.entries(values))
          if (v !== -1 && (used[k] ?? 0) > v)
            throw badRequest(
              `Quota limit ${v} for ${k} must be greater than or equal to already used and reserved ${used[k]}.`,
            );
      }
      await deps.db.transaction().execute(async (trx) => {
        for (const [resource, hard_limit] of Object.entries(values)) {
          await trx
            .deleteFrom('compute_quotas')
            .where('project_id', '=', projectId)
            .where('user_id', '=', user ?? '')
            .where('resource', '=', resource)
            .execute();
          await trx
            .insertInto('compute_quotas')
            .values({ project_id: projectId, user_id: user ?? '', resource, hard_limit })
            .execute();
        }
      });
      const limits = await projectLimits(deps, projectId, user);
      return { quota_set: pick(limits, allowed) };
    },
  );

  app.delete<{ Params: ProjectParams }>('/v2.1/os-quota-sets/:project_id', async (req, reply) => {
    enforceNova(req, 'os_compute_api:os-quota-sets:delete', target(req));
    const user = userOf(req);
    let q = deps.db.deleteFrom('compute_quotas').where('project_id', '=', req.params.project_id);
    if (user) q = q.where('user_id', '=', user);
    await q.execute();
    return reply.code(202).send();
  });
}
