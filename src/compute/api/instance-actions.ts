import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, notFound } from '../errors.ts';
import { visibleInstanceOr404 } from '../instance-store.ts';
import { nextLinks, pageAfter, parseLimit, queryValue } from '../list-paging.ts';
import { novaTime } from '../request-caller.ts';
import { enforceNova, instanceTarget, serverCallerOf } from '../server-access.ts';
import { hostIdOf } from '../server-view.ts';
import type { InstanceActionRow, InstanceRow } from '../tables.ts';

type ServerParams = { server_id: string };
type ActionParams = { server_id: string; request_id: string };

/** A changes-since / changes-before timestamp as Nova parses it (ISO 8601); anything else is a 400. */
function timeFilter(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(t))
    throw badRequest(`Invalid input for query parameters ${name}. Value: ${value}. '${value}' is not a 'date-time'`);
  return new Date(t).toISOString();
}

/**
 * /servers/{id}/os-instance-actions: what was done to a server (the conductor and agents record actions and
 * their events). Deleted servers from 2.21; `updated_at`, paging and changes-since from 2.58, changes-before 2.66;
 * events for non-admins from 2.51 (traceback only for admins), event host/hostId 2.62, details 2.84.
 */
export function instanceActionRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const server = async (req: FastifyRequest<{ Params: ServerParams }>, rule: string): Promise<InstanceRow> => {
    const caller = serverCallerOf(req);
    const row = await visibleInstanceOr404(deps.db, caller, req.params.server_id, {
      includeDeleted: req.microversion.atLeast('2.21'),
    });
    enforceNova(req, rule, instanceTarget(row));
    return row;
  };
  const actionView = (a: InstanceActionRow, req: FastifyRequest) => {
    const view: Record<string, unknown> = {
      action: a.action,
      instance_uuid: a.instance_uuid,
      message: a.message,
      project_id: a.project_id,
      request_id: a.request_id,
      start_time: novaTime(a.start_time),
      user_id: a.user_id,
    };
    if (req.microversion.atLeast('2.58')) view.updated_at = novaTime(a.updated_at ?? a.start_time);
    return view;
  };

  app.get<{ Params: ServerParams }>('/v2.1/servers/:server_id/os-instance-actions', async (req) => {
    const row = await server(req, 'os_compute_api:os-instance-actions:list');
    const mv = req.microversion;
    const query = req.query as Record<string, unknown>;
    let q = deps.db.selectFrom('instance_actions').selectAll().where('instance_uuid', '=', row.uuid);
    let limit: number | undefined;
    let marker: string | undefined;
    if (mv.atLeast('2.58')) {
      limit = parseLimit(query.limit);
      marker = queryValue(query.marker);
      const since = timeFilter('changes-since', queryValue(query['changes-since']));
      const before = mv.atLeast('2.66') ? timeFilter('changes-before', queryValue(query['changes-before'])) : undefined;
      if (since && before && since > before)
        throw badRequest('The value of changes-since must be less than or equal to changes-before.');
      if (since) q = q.where('updated_at', '>=', since);
      if (before) q = q.where('updated_at', '<=', before);
    }
    const rows = await q.orderBy('start_time', 'desc').orderBy('id', 'desc').execute();
    if (marker !== undefined && !rows.some((r) => r.request_id === marker))
      throw badRequest(`Marker ${marker} could not be found.`);
    const page = mv.atLeast('2.58') ? pageAfter(rows, (r) => r.request_id, marker, limit) : rows;
    const instanceActions = page.map((a) => actionView(a, req));
    const links = mv.atLeast('2.58')
      ? nextLinks(deps.url, `/servers/${row.uuid}/os-instance-actions`, query, page, limit, page.at(-1)?.request_id)
      : undefined;
    return links ? { instanceActions, links } : { instanceActions };
  });

  app.get<{ Params: ActionParams }>('/v2.1/servers/:server_id/os-instance-actions/:request_id', async (req) => {
    const row = await server(req, 'os_compute_api:os-instance-actions:show');
    const mv = req.microversion;
    const action = await deps.db
      .selectFrom('instance_actions')
      .selectAll()
      .where('instance_uuid', '=', row.uuid)
      .where('request_id', '=', req.params.request_id)
      .orderBy('start_time', 'desc')
      .executeTakeFirst();
    if (!action) throw notFound(`Action for request_id ${req.params.request_id} on instance ${row.uuid} not found`);
    const view = actionView(action, req);
    const target = instanceTarget(row);
    const admin = req.ctx.allowed('os_compute_api:os-instance-actions:events', target);
    if (admin || mv.atLeast('2.51')) {
      const details =
        mv.atLeast('2.84') && req.ctx.allowed('os_compute_api:os-instance-actions:events:details', target);
      const events = await deps.db
        .selectFrom('instance_action_events')
        .selectAll()
        .where('action_id', '=', action.id)
        .orderBy('start_time')
        .execute();
      view.events = events.map((e) => {
        const ev: Record<string, unknown> = {
          event: e.event,
          start_time: novaTime(e.start_time),
          finish_time: novaTime(e.finish_time),
          result: e.result,
        };
        if (admin) ev.traceback = e.traceback;
        if (mv.atLeast('2.62')) {
          if (admin) ev.host = e.host ?? '';
          ev.hostId = hostIdOf(row.project_id, e.host);
        }
        if (details) ev.details = e.details;
        return ev;
      });
    }
    return { instanceAction: view };
  });
}
