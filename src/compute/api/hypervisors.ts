import { loadavg, uptime as osUptime } from 'node:os';
import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import { queryBool } from '../api-types.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, notFound } from '../errors.ts';
import { hypervisorDetail, hypervisorSummary, type NodeWithService } from '../hypervisor-view.ts';
import { nextLinks, pageAfter, parseLimit, queryValue } from '../list-paging.ts';
import { enforceNova } from '../server-access.ts';
import { instanceNameOf } from '../server-view.ts';

type IdParams = { hypervisor_id: string };
type PatternParams = { hypervisor_id: string };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const versionGone = () => notFound('The resource could not be found.');

/** `uptime`'s line as the host would print it; the in-process agents run on this machine. */
function uptimeLine(): string {
  const secs = Math.floor(osUptime());
  const now = new Date().toISOString().slice(11, 19);
  const days = Math.floor(secs / 86400);
  const hm = `${Math.floor((secs % 86400) / 3600)}:${String(Math.floor((secs % 3600) / 60)).padStart(2, '0')}`;
  const load = loadavg().map((l) => l.toFixed(2));
  return ` ${now} up ${days} days, ${hm},  1 user,  load average: ${load.join(', ')}`;
}

/**
 * /os-hypervisors: the compute nodes the agents report, with their service's state. Integer ids before 2.53,
 * uuids from then (with `hypervisor_hostname_pattern` and `with_servers`); paging from 2.33; `/statistics`,
 * `/{id}/uptime` until 2.87; `/{pattern}/search` and `/{pattern}/servers` until 2.52.
 */
export function hypervisorRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const load = async (): Promise<NodeWithService[]> => {
    const nodes = await deps.db.selectFrom('compute_nodes').selectAll().orderBy('id').execute();
    const services = await deps.db.selectFrom('compute_services').selectAll().execute();
    return nodes.map((node) => ({ node, service: services.find((s) => s.id === node.service_id) }));
  };
  const serversOn = async (hosts: string[]) => {
    if (hosts.length === 0) return [];
    return deps.db
      .selectFrom('instances')
      .select(['uuid', 'display_name', 'host', 'node', 'task_state'])
      .where('host', 'in', hosts)
      .where('deleted', '=', 0)
      .orderBy('created_at')
      .execute();
  };
  const workloadOf = (servers: { host: string | null; task_state: string | null }[], host: string) =>
    servers.filter((s) => s.host === host && s.task_state !== null).length;
  const withServers = (
    view: Record<string, unknown>,
    host: string,
    servers: { uuid: string; display_name: string; host: string | null }[],
  ) => {
    // Nova names them by the hypervisor's instance name (OS-EXT-SRV-ATTR:instance_name), not the display name.
    const mine = servers.filter((s) => s.host === host).map((s) => ({ name: instanceNameOf(s.uuid), uuid: s.uuid }));
    // Nova leaves the key out when the hypervisor runs nothing.
    if (mine.length) view.servers = mine;
    return view;
  };

  const list = (detail: boolean) => async (req: FastifyRequest) => {
    enforceNova(req, `os_compute_api:os-hypervisors:${detail ? 'list-detail' : 'list'}`, {});
    const mv = req.microversion;
    const query = req.query as Record<string, unknown>;
    const paged = mv.atLeast('2.33');
    const limit = paged ? parseLimit(query.limit) : undefined;
    const marker = paged ? queryValue(query.marker) : undefined;
    const pattern = mv.atLeast('2.53') ? queryValue(query.hypervisor_hostname_pattern) : undefined;
    const wantServers = mv.atLeast('2.53') && queryBool(queryValue(query.with_servers) ?? 'false') === true;
    if (
      mv.atLeast('2.53') &&
      query.with_servers !== undefined &&
      queryBool(String(queryValue(query.with_servers))) === undefined
    )
      throw badRequest(`Invalid input for query parameters with_servers. Value: ${queryValue(query.with_servers)}.`);
    if (pattern !== undefined && (limit !== undefined || marker !== undefined))
      throw badRequest(
        'Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.',
      );
    if (marker !== undefined && mv.atLeast('2.53') && !UUID.test(marker)) throw badRequest(`Invalid marker ${marker}`);
    let all = await load();
    if (pattern !== undefined) {
      all = all.filter((e) => e.node.hypervisor_hostname.includes(pattern));
      if (all.length === 0) throw notFound(`No hypervisor matching '${pattern}' could be found.`);
    }
    const idOf = (e: NodeWithService) => (mv.atLeast('2.53') ? e.node.uuid : String(e.node.id));
    const page = paged ? pageAfter(all, idOf, marker, limit) : all;
    const servers = detail || wantServers ? await serversOn(page.map((e) => e.node.host)) : [];
    const hypervisors = page.map((e) => {
      const view = detail
        ? hypervisorDetail(deps, e, mv, { currentWorkload: workloadOf(servers, e.node.host), uptime: uptimeLine() })
        : hypervisorSummary(deps, e, mv);
      return wantServers ? withServers(view, e.node.host, servers) : view;
    });
    const links = paged
      ? nextLinks(
          deps.url,
          detail ? '/os-hypervisors/detail' : '/os-hypervisors',
          query,
          page,
          limit,
          page.at(-1) && idOf(page.at(-1) as NodeWithService),
        )
      : undefined;
    return links ? { hypervisors, hypervisors_links: links } : { hypervisors };
  };
  app.get('/v2.1/os-hypervisors', list(false));
  app.get('/v2.1/os-hypervisors/detail', list(true));

  app.get('/v2.1/os-hypervisors/statistics', async (req) => {
    if (req.microversion.atLeast('2.88')) throw versionGone();
    enforceNova(req, 'os_compute_api:os-hypervisors:statistics', {});
    const all = await load();
    const sum = (
      k:
        | 'vcpus'
        | 'memory_mb'
        | 'local_gb'
        | 'vcpus_used'
        | 'memory_mb_used'
        | 'local_gb_used'
        | 'free_ram_mb'
        | 'free_disk_gb'
        | 'running_vms'
        | 'disk_available_least',
    ) => all.reduce((n, e) => n + (e.node[k] ?? 0), 0);
    const servers = await serversOn(all.map((e) => e.node.host));
    return {
      hypervisor_statistics: {
        count: all.length,
        vcpus: sum('vcpus'),
        memory_mb: sum('memory_mb'),
        local_gb: sum('local_gb'),
        vcpus_used: sum('vcpus_used'),
        memory_mb_used: sum('memory_mb_used'),
        local_gb_used: sum('local_gb_used'),
        free_ram_mb: sum('free_ram_mb'),
        free_disk_gb: sum('free_disk_gb'),
        current_workload: servers.filter((s) => s.task_state !== null).length,
        running_vms: sum('running_vms'),
        disk_available_least: sum('disk_available_least'),
      },
    };
  });

  const findOne = async (req: FastifyRequest<{ Params: IdParams }>) => {
    const id = req.params.hypervisor_id;
    const all = await load();
    if (req.microversion.atLeast('2.53')) {
      if (!UUID.test(id)) throw badRequest(`Invalid uuid ${id}`);
      const hit = all.find((e) => e.node.uuid === id);
      if (!hit) throw notFound(`Hypervisor with ID '${id}' could not be found.`);
      return hit;
    }
    const hit = /^\d+$/.test(id) ? all.find((e) => e.node.id === Number(id)) : undefined;
    if (!hit) throw notFound(`Hypervisor with ID '${id}' could not be found.`);
    return hit;
  };

  app.get<{ Params: IdParams }>('/v2.1/os-hypervisors/:hypervisor_id', async (req) => {
    enforceNova(req, 'os_compute_api:os-hypervisors:show', {});
    const mv = req.microversion;
    const query = req.query as Record<string, unknown>;
    const wantServers = mv.atLeast('2.53') && queryBool(queryValue(query.with_servers) ?? 'false') === true;
    const entry = await findOne(req);
    const servers = await serversOn([entry.node.host]);
    const view = hypervisorDetail(deps, entry, mv, {
      currentWorkload: workloadOf(servers, entry.node.host),
      uptime: uptimeLine(),
    });
    return { hypervisor: wantServers ? withServers(view, entry.node.host, servers) : view };
  });

  app.get<{ Params: IdParams }>('/v2.1/os-hypervisors/:hypervisor_id/uptime', async (req) => {
    if (req.microversion.atLeast('2.88')) throw versionGone();
    enforceNova(req, 'os_compute_api:os-hypervisors:uptime', {});
    const entry = await findOne(req);
    return { hypervisor: { ...hypervisorSummary(deps, entry, req.microversion), uptime: uptimeLine() } };
  });

  const byPattern = async (req: FastifyRequest<{ Params: PatternParams }>, rule: string) => {
    if (req.microversion.atLeast('2.53')) throw versionGone();
    enforceNova(req, rule, {});
    const hits = (await load()).filter((e) => e.node.hypervisor_hostname.includes(req.params.hypervisor_id));
    if (hits.length === 0) throw notFound(`No hypervisor matching '${req.params.hypervisor_id}' could be found.`);
    return hits;
  };
  app.get<{ Params: PatternParams }>('/v2.1/os-hypervisors/:hypervisor_id/search', async (req) => {
    const hits = await byPattern(req, 'os_compute_api:os-hypervisors:search');
    return { hypervisors: hits.map((e) => hypervisorSummary(deps, e, req.microversion)) };
  });
  app.get<{ Params: PatternParams }>('/v2.1/os-hypervisors/:hypervisor_id/servers', async (req) => {
    const hits = await byPattern(req, 'os_compute_api:os-hypervisors:servers');
    const servers = await serversOn(hits.map((e) => e.node.host));
    return {
      hypervisors: hits.map((e) => withServers(hypervisorSummary(deps, e, req.microversion), e.node.host, servers)),
    };
  });
}
