import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import { type Caller, callerOf, enforce, enforceAttributes } from '../access.ts';
import { routerChanged } from '../agent-notify.ts';
import { bodyMembers, parseCreate, parseUpdate } from '../attributes.ts';
import type { NetworkDeps } from '../deps.ts';
import { conflict, notFound } from '../errors.ts';
import { routerPortsChanged } from '../l3-port-binding.ts';
import { applyListQuery, type ListQuery, pageOf, parseListQuery, pickFields } from '../listing.ts';
import { ownerOf } from '../network-create.ts';
import { notifyChange } from '../notifications.ts';
import { checkQuota } from '../quotas.ts';
import { applyGateway, removeGatewayPort } from '../router-gateway.ts';
import { addInterface, parseInterfaceBody, removeInterface } from '../router-interfaces.ts';
import { checkRoutes } from '../router-routes.ts';
import { ADMIN_ROUTER_ATTRS, type GatewayInfo, ROUTER_ATTRS, type Route, routerViewFor } from '../router-view.ts';
import { bumped, checkIfMatch, newStandardColumns } from '../standard-attrs.ts';
import {
  deleteRouterRow,
  fixedIpsOf,
  insertRouter,
  interfacePorts,
  updateRouter,
  visibleRouters,
} from '../store/routers.ts';
import { tagsOf } from '../store/tags.ts';
import type { NetworkDb, RouterRow } from '../tables.ts';

interface IdParams {
  router_id: string;
}

/** /v2.0/routers: Neutron's router resource (l3, extraroute, router interfaces). */
export function routersRoutes(app: ServiceApp, deps: NetworkDeps): void {
  app.get('/v2.0/routers', async (req) => {
    const caller = callerOf(req);
    const q = parseListQuery(req.query as Record<string, string>, ROUTER_ATTRS);
    const marker = q.marker ? await visibleOr404(deps.db, caller, q.marker) : undefined;
    const rows = await applyListQuery(
      visibleRouters(deps.db, caller),
      q,
      ROUTER_ATTRS,
      'routers',
      'router',
      marker,
    ).execute();
    const { items, links } = pageOf(rows, q, deps.url('/v2.0/routers'), rawQuery(req));
    const views = await viewsFor(req, deps.db, items, q);
    return links ? { routers: views, routers_links: links } : { routers: views };
  });

  app.get<{ Params: IdParams }>('/v2.0/routers/:router_id', async (req) => {
    const caller = callerOf(req);
    const row = await visibleOr404(deps.db, caller, req.params.router_id);
    const q = parseListQuery({ fields: (req.query as Record<string, string>).fields ?? [] }, ROUTER_ATTRS);
    const [view] = await viewsFor(req, deps.db, [row], q);
    enforce(req, 'get_router', { ...view, project_id: row.project_id, tenant_id: row.project_id });
    return { router: view };
  });

  app.post('/v2.0/routers', async (req, reply) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'router', 'routers', false);
    const values = parseCreate(ROUTER_ATTRS, input);
    const projectId = ownerOf(caller, values.project_id as string | undefined);
    const target = { ...values, project_id: projectId, tenant_id: projectId };
    enforce(req, 'create_router', target);
    enforceAttributes(req, 'create', 'router', ADMIN_ROUTER_ATTRS, values, target, { distributed: false, ha: false });
    enforceGateway(req, 'create', values.external_gateway_info as GatewayInfo | null, target);
    if (values.flavor_id) throw notFound('flavor', values.flavor_id as string);
    const row = await deps.db.transaction().execute(async (trx) => {
      await checkQuota(trx, deps, projectId, 'router');
      const router: RouterRow = {
        ...newStandardColumns(randomUUID(), projectId, values.description as string),
        name: values.name as string,
        admin_state_up: values.admin_state_up ? 1 : 0,
        status: 'ACTIVE',
        gw_port_id: null,
        gw_network_id: null,
        enable_snat: 1,
        routes: '[]',
        distributed: values.distributed ? 1 : 0,
        ha: values.ha ? 1 : 0,
        availability_zone_hints: JSON.stringify(values.availability_zone_hints ?? []),
        flavor_id: null,
      };
      await insertRouter(trx, router);
      const gateway = values.external_gateway_info as GatewayInfo | null;
      if (!gateway) return router;
      const changes = await applyGateway(trx, deps, caller, router, gateway);
      await updateRouter(trx, router.id, changes);
      return { ...router, ...changes };
    });
    const [view] = await viewsFor(req, deps.db, [row]);
    await notifyChange(deps, 'router', 'create', view);
    await routerPortsChanged(deps, null, row.gw_port_id);
    await routerChanged(deps, row.id);
    reply.code(201);
    return { router: view };
  });

  app.put<{ Params: IdParams }>('/v2.0/routers/:router_id', async (req) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'router', 'routers', false);
    const changes = parseUpdate(ROUTER_ATTRS, input);
    const [old, updated] = await deps.db.transaction().execute(async (trx) => {
      let row = await visibleOr404(trx, caller, req.params.router_id);
      const old = row;
      checkIfMatch(req, row);
      const [before] = await viewsFor(req, trx, [row]);
      const target = { ...before, project_id: row.project_id, tenant_id: row.project_id };
      enforce(req, 'update_router', target);
      enforceAttributes(req, 'update', 'router', ADMIN_ROUTER_ATTRS, changes, target);
      const columns: Partial<RouterRow> = {};
      if ('name' in changes) columns.name = changes.name as string;
      if ('description' in changes) columns.description = changes.description as string;
      if ('admin_state_up' in changes) columns.admin_state_up = changes.admin_state_up ? 1 : 0;
      if ('distributed' in changes) columns.distributed = changes.distributed ? 1 : 0;
      if ('ha' in changes) columns.ha = changes.ha ? 1 : 0;
      if ('external_gateway_info' in changes) {
        const gateway = changes.external_gateway_info as GatewayInfo | null;
        enforceGateway(req, 'update', gateway, target);
        Object.assign(columns, await applyGateway(trx, deps, caller, row, gateway));
      }
      row = { ...row, ...columns };
      if ('routes' in changes) columns.routes = JSON.stringify(await checkRoutes(trx, row, changes.routes as Route[]));
      await updateRouter(trx, row.id, { ...columns, ...bumped(row) });
      return [old, (await visibleOr404(trx, caller, row.id)) as RouterRow] as const;
    });
    const [view] = await viewsFor(req, deps.db, [updated]);
    await notifyChange(deps, 'router', 'update', view);
    await routerPortsChanged(deps, gatewayPort(old), updated.gw_port_id);
    await routerChanged(deps, updated.id);
    return { router: view };
  });

  app.delete<{ Params: IdParams }>('/v2.0/routers/:router_id', async (req, reply) => {
    const caller = callerOf(req);
    const [row, view] = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.router_id);
      checkIfMatch(req, row);
      const [before] = await viewsFor(req, trx, [row]);
      enforce(req, 'delete_router', { ...before, project_id: row.project_id, tenant_id: row.project_id });
      if ((await interfacePorts(trx, row.id)).length > 0)
        throw conflict('RouterInUse', `Router ${row.id} still has ports`);
      await removeGatewayPort(trx, deps, row);
      await deleteRouterRow(trx, row.id);
      return [row, before] as const;
    });
    await notifyChange(deps, 'router', 'delete', view);
    await routerPortsChanged(deps, gatewayPort(row), null);
    await routerChanged(deps, req.params.router_id);
    return reply.code(204).send();
  });

  for (const action of ['add_router_interface', 'remove_router_interface'] as const) {
    app.put<{ Params: IdParams }>(`/v2.0/routers/:router_id/${action}`, async (req) => {
      const caller = callerOf(req);
      const target = parseInterfaceBody(req.body, action === 'remove_router_interface');
      const result = await deps.db.transaction().execute(async (trx) => {
        const row = await visibleOr404(trx, caller, req.params.router_id);
        enforce(req, action, { ...target, project_id: row.project_id, tenant_id: row.project_id });
        const info =
          action === 'add_router_interface'
            ? await addInterface(trx, deps, caller, row, target)
            : await removeInterface(trx, deps, caller, row, target);
        await updateRouter(trx, row.id, bumped(row));
        return info;
      });
      const tags = (await tagsOf(deps.db, 'router', [result.id])).get(result.id) ?? [];
      const payload = { ...result, tags };
      await deps.bus.notify({
        event_type: `router.interface.${action === 'add_router_interface' ? 'create' : 'delete'}`,
        publisher_id: 'network',
        payload: { router_interface: payload },
      });
      if (action === 'add_router_interface') await routerPortsChanged(deps, null, result.port_id);
      else await routerPortsChanged(deps, { id: result.port_id, network_id: result.network_id }, null);
      await routerChanged(deps, result.id);
      return payload;
    });
  }
}

function gatewayPort(row: RouterRow): { id: string; network_id?: string } | null {
  return row.gw_port_id ? { id: row.gw_port_id, network_id: row.gw_network_id ?? undefined } : null;
}

/** The rules on the gateway and each of its sub-attributes the client gave (enable_snat, fixed IPs: admin). */
function enforceGateway(
  req: FastifyRequest,
  action: 'create' | 'update',
  gateway: GatewayInfo | null,
  target: Record<string, unknown>,
): void {
  if (!gateway) {
    if (action === 'update') enforce(req, 'update_router:external_gateway_info', target);
    return;
  }
  const t = { ...target, external_gateway_info: gateway };
  enforce(req, `${action}_router:external_gateway_info`, t);
  enforce(req, `${action}_router:external_gateway_info:network_id`, t);
  if (gateway.enable_snat !== undefined) enforce(req, `${action}_router:external_gateway_info:enable_snat`, t);
  if (gateway.external_fixed_ips !== undefined)
    enforce(req, `${action}_router:external_gateway_info:external_fixed_ips`, t);
}

async function visibleOr404(db: NetworkDb, caller: Caller, id: string): Promise<RouterRow> {
  const row = await visibleRouters(db, caller).where('routers.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('router', id);
  return row;
}

async function viewsFor(
  req: FastifyRequest,
  db: NetworkDb,
  rows: RouterRow[],
  q?: ListQuery,
): Promise<Record<string, unknown>[]> {
  const [tags, gatewayIps] = await Promise.all([
    tagsOf(
      db,
      'router',
      rows.map((r) => r.id),
    ),
    fixedIpsOf(
      db,
      rows.flatMap((r) => (r.gw_port_id ? [r.gw_port_id] : [])),
    ),
  ]);
  return rows.map((row) => {
    const view = routerViewFor(req, row, {
      tags: tags.get(row.id) ?? [],
      gatewayIps: row.gw_port_id ? (gatewayIps.get(row.gw_port_id) ?? []) : [],
    });
    return q ? pickFields(view, q.fields) : view;
  });
}

function rawQuery(req: FastifyRequest): string {
  return req.url.split('?')[1] ?? '';
}
