import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, notFound } from '../errors.ts';
import { nextLinks, pageAfter, parseLimit, queryValue } from '../list-paging.ts';
import { enforceNova } from '../server-access.ts';
import { parseUsageTime, type ServerUsage, serverUsage, tenantUsage } from '../tenant-usage.ts';

type TenantParams = { tenant_id: string };

/**
 * /os-simple-tenant-usage: hours of vCPU, RAM and disk the servers used between `start` and `end` (default:
 * now), counted from the instances table (deleted servers count up to their deletion). Admins list every
 * project (`detailed=1` adds each server); members see their own. Paging over servers from 2.40.
 */
export function simpleTenantUsageRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const range = (req: FastifyRequest) => {
    const query = req.query as Record<string, unknown>;
    const now = new Date();
    // Nova reads 'now' once per default, end after start, so two defaults make a (tiny) valid window.
    const end = parseUsageTime('end', queryValue(query.end), new Date(now.getTime() + 1));
    const start = parseUsageTime('start', queryValue(query.start), now);
    if (start >= end) throw badRequest('Invalid start time. The start time cannot occur after the end time.');
    return { start, end, query };
  };
  const usages = async (req: FastifyRequest, projectId: string | undefined, start: Date, end: Date) => {
    let q = deps.db.selectFrom('instances').selectAll().where('created_at', '<=', end.toISOString());
    if (projectId !== undefined) q = q.where('project_id', '=', projectId);
    const rows = await q.orderBy('created_at').orderBy('uuid').execute();
    const found: ServerUsage[] = [];
    for (const r of rows) {
      const u = serverUsage(r, start, end);
      if (u) found.push(u);
    }
    if (!req.microversion.atLeast('2.40')) return { page: found, limit: undefined };
    const query = req.query as Record<string, unknown>;
    const limit = parseLimit(query.limit);
    return { page: pageAfter(found, (u) => u.instance_id, queryValue(query.marker), limit), limit };
  };

  app.get('/v2.1/os-simple-tenant-usage', async (req) => {
    // `/os-simple-tenant-usage/` is a show with an empty tenant id in Nova's router: 404, not the list.
    if (req.url.split('?')[0].endsWith('/')) throw notFound('The resource could not be found.');
    const auth = req.ctx.requireAuth();
    enforceNova(req, 'os_compute_api:os-simple-tenant-usage:list', { project_id: auth.projectId });
    const { start, end, query } = range(req);
    const detailed = ['1', 'true', 'True'].includes(queryValue(query.detailed) ?? '0');
    const { page, limit } = await usages(req, undefined, start, end);
    const byProject = new Map<string, ServerUsage[]>();
    for (const u of page) byProject.set(u.tenant_id, [...(byProject.get(u.tenant_id) ?? []), u]);
    const tenant_usages = [...byProject.entries()].map(([p, us]) => tenantUsage(p, us, start, end, detailed));
    const links = req.microversion.atLeast('2.40')
      ? nextLinks(deps.url, '/os-simple-tenant-usage', query, page, limit, page.at(-1)?.instance_id)
      : undefined;
    return links ? { tenant_usages, tenant_usages_links: links } : { tenant_usages };
  });

  app.get<{ Params: TenantParams }>('/v2.1/os-simple-tenant-usage/:tenant_id', async (req) => {
    const projectId = req.params.tenant_id;
    enforceNova(req, 'os_compute_api:os-simple-tenant-usage:show', { project_id: projectId });
    const { start, end, query } = range(req);
    const { page, limit } = await usages(req, projectId, start, end);
    // Nova answers an empty object for a project without usage in the range.
    const tenant_usage = page.length ? tenantUsage(projectId, page, start, end, true) : {};
    const links = req.microversion.atLeast('2.40')
      ? nextLinks(deps.url, `/os-simple-tenant-usage/${projectId}`, query, page, limit, page.at(-1)?.instance_id)
      : undefined;
    return links ? { tenant_usage, tenant_usage_links: links } : { tenant_usage };
  });
}
