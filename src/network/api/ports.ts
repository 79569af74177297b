import type { FastifyRequest } from 'fastify';
import { type Caller, callerOf, enforce, hideAttributes } from '../access.ts';
import { portChanged, portDeleted, routerChanged } from '../agent-notify.ts';
import { bodyMembers } from '../attributes.ts';
import type { NetworkDeps } from '../deps.ts';
import { conflict, notFound } from '../errors.ts';
import { hasTable } from '../installed-tables.ts';
import { beforeL3PortDelete } from '../l3-port-hooks.ts';
import { applyListQuery, type ListQuery, pageOf, parseListQuery, pickFields } from '../listing.ts';
import { notifyChange } from '../notifications.ts';
import { deleteInternalPort, insertPort } from '../port-create.ts';
import { parsePortCreate, portTarget } from '../port-request.ts';
import { updatePort } from '../port-update.ts';
import { BINDING_ATTRS, buildPortView, PORT_ATTRS, portExtras } from '../port-view.ts';
import { checkIfMatch } from '../standard-attrs.ts';
import { filterByFixedIps, visiblePorts } from '../store/ports.ts';
import type { NetworkDb, NetworkRow, PortRow } from '../tables.ts';

type ServiceApp = import('../../core/http/service.ts').ServiceApp;

interface IdParams {
  port_id: string;
}

/** Ports that belong to a router or floating IP go through those resources, as long as the owner exists. */
const SERVICE_OWNERS: Record<string, 'routers' | 'floatingips'> = {
  'network:router_interface': 'routers',
  'network:router_interface_distributed': 'routers',
  'network:ha_router_replicated_interface': 'routers',
  'network:router_gateway': 'routers',
  'network:floatingip': 'floatingips',
};

/** /v2.0/ports: Neutron's port resource. */
export function portsRoutes(app: ServiceApp, deps: NetworkDeps): void {
  app.get('/v2.0/ports', async (req) => {
    const caller = callerOf(req);
    const q = parseListQuery(req.query as Record<string, string>, PORT_ATTRS, ['fixed_ips']);
    const marker = q.marker ? await visibleOr404(deps.db, caller, q.marker) : undefined;
    let query = visiblePorts(deps.db, caller);
    const fixedIps = q.extra.get('fixed_ips');
    if (fixedIps) query = filterByFixedIps(query, fixedIps);
    const rows = await applyListQuery(query, q, PORT_ATTRS, 'ports', 'port', marker).execute();
    const { items, links } = pageOf(rows, q, deps.url('/v2.0/ports'), req.url.split('?')[1] ?? '');
    const views = await portViews(req, deps, deps.db, items, q);
    return links ? { ports: views, ports_links: links } : { ports: views };
  });

  app.get<{ Params: IdParams }>('/v2.0/ports/:port_id', async (req) => {
    const caller = callerOf(req);
    const row = await visibleOr404(deps.db, caller, req.params.port_id);
    const q = parseListQuery({ fields: (req.query as Record<string, string>).fields ?? [] }, PORT_ATTRS);
    const [view] = await portViews(req, deps, deps.db, [row], q);
    return { port: view };
  });

  app.post('/v2.0/ports', async (req, reply) => {
    const caller = callerOf(req);
    const isBulk = Array.isArray((req.body as Record<string, unknown> | null)?.ports);
    const members = bodyMembers(req.body, 'port', 'ports', true);
    const rows = await deps.db.transaction().execute(async (trx) => {
      const out: PortRow[] = [];
      for (const m of members) out.push(await insertPort(trx, deps, await parsePortCreate(req, trx, caller, m)));
      return out;
    });
    const full = await portViews(null, deps, deps.db, rows);
    for (const view of full) {
      await notifyChange(deps, 'port', 'create', view);
      await portChanged(deps, view);
    }
    const views = await portViews(req, deps, deps.db, rows);
    reply.code(201);
    return isBulk ? { ports: views } : { port: views[0] };
  });

  app.put<{ Params: IdParams }>('/v2.0/ports/:port_id', async (req) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'port', 'ports', false);
    const updated = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.port_id);
      checkIfMatch(req, row);
      const [before] = await portViews(null, deps, trx, [row]);
      const target = await portTarget(trx, caller, before, await networkOf(trx, row));
      await updatePort(req, trx, caller, row, before, target, input);
      return visibleOr404(trx, caller, row.id);
    });
    const [full] = await portViews(null, deps, deps.db, [updated]);
    await notifyChange(deps, 'port', 'update', full);
    await portChanged(deps, full);
    const [view] = await portViews(req, deps, deps.db, [updated]);
    return { port: view };
  });

  app.delete<{ Params: IdParams }>('/v2.0/ports/:port_id', async (req, reply) => {
    const caller = callerOf(req);
    const { view, routers } = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.port_id);
      checkIfMatch(req, row);
      const [before] = await portViews(null, deps, trx, [row]);
      enforce(req, 'delete_port', await portTarget(trx, caller, before, await networkOf(trx, row)));
      await refuseServicePort(trx, deps, row);
      // Its floating IPs are disassociated and its port forwardings removed, as Neutron does.
      const routers = await beforeL3PortDelete(trx, row, false);
      await deleteInternalPort(trx, deps, row.id);
      return { view: before, routers };
    });
    await notifyChange(deps, 'port', 'delete', view);
    await portDeleted(deps, view);
    for (const routerId of routers) await routerChanged(deps, routerId);
    return reply.code(204).send();
  });
}

async function refuseServicePort(trx: NetworkDb, deps: NetworkDeps, row: PortRow): Promise<void> {
  const table = SERVICE_OWNERS[row.device_owner];
  if (!table || !row.device_id || !(await hasTable(trx, deps, table))) return;
  const owner = await trx.selectFrom(table).select('id').where('id', '=', row.device_id).executeTakeFirst();
  if (owner)
    throw conflict(
      'ServicePortInUse',
      `Port ${row.id} cannot be deleted directly via the port API: has device owner ${row.device_owner}.`,
    );
}

async function networkOf(db: NetworkDb, row: PortRow): Promise<NetworkRow> {
  const network = await db.selectFrom('networks').selectAll().where('id', '=', row.network_id).executeTakeFirst();
  if (!network) throw notFound('network', row.network_id);
  return network;
}

async function visibleOr404(db: NetworkDb, caller: Caller, id: string): Promise<PortRow> {
  const row = await visiblePorts(db, caller).where('ports.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('port', id);
  return row;
}

/** Views of a page of ports; binding attributes are admin-only (`get_port:binding:*`); `req` null: full views. */
async function portViews(
  req: FastifyRequest | null,
  deps: NetworkDeps,
  db: NetworkDb,
  rows: PortRow[],
  q?: ListQuery,
): Promise<Record<string, unknown>[]> {
  const extras = await portExtras(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => {
    const view = buildPortView(deps.config.network.dnsDomain, row, extras);
    if (req) hideAttributes(req, 'port', view, BINDING_ATTRS);
    return q ? pickFields(view, q.fields) : view;
  });
}
