import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { isUniqueViolation } from '../../core/db/database.ts';
import { ApiError } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { type Caller, callerOf, enforce } from '../access.ts';
import { routerChanged } from '../agent-notify.ts';
import { bodyMembers, parseCreate, parseUpdate } from '../attributes.ts';
import type { NetworkDeps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { applyListQuery, pageOf, parseListQuery, pickFields } from '../listing.ts';
import { checkPortForwarding, rangesOf } from '../port-forwarding-checks.ts';
import { PORT_FORWARDING_ATTRS, portForwardingView } from '../port-forwarding-view.ts';
import { bumped } from '../standard-attrs.ts';
import { updateFloatingIp } from '../store/floating-ips.ts';
import type { FloatingIpRow, NetworkDb, PortForwardingRow } from '../tables.ts';
import { visibleFloatingIpOr404 } from './floating-ips.ts';

interface Params {
  floatingip_id: string;
  pf_id: string;
}

const BASE = '/v2.0/floatingips/:floatingip_id/port_forwardings';

/** /v2.0/floatingips/{id}/port_forwardings (floating-ip-port-forwarding, with port ranges). */
export function portForwardingsRoutes(app: ServiceApp, deps: NetworkDeps): void {
  app.get<{ Params: Params }>(BASE, async (req) => {
    const caller = callerOf(req);
    const fip = await visibleFloatingIpOr404(deps.db, caller, req.params.floatingip_id);
    enforce(req, 'get_floatingip_port_forwarding', parentTarget(fip));
    const q = parseListQuery(req.query as Record<string, string>, PORT_FORWARDING_ATTRS);
    const marker = q.marker ? await pfOr404(deps.db, fip.id, q.marker) : undefined;
    const rows = await applyListQuery(
      deps.db.selectFrom('port_forwardings').selectAll('port_forwardings').where('floatingip_id', '=', fip.id),
      q,
      PORT_FORWARDING_ATTRS,
      'port_forwardings',
      'port_forwarding',
      marker,
    ).execute();
    const url = deps.url(`/v2.0/floatingips/${fip.id}/port_forwardings`);
    const { items, links } = pageOf(rows, q, url, req.url.split('?')[1] ?? '');
    const views = items.map((r) => pickFields(portForwardingView(r), q.fields));
    return links ? { port_forwardings: views, port_forwardings_links: links } : { port_forwardings: views };
  });

  app.get<{ Params: Params }>(`${BASE}/:pf_id`, async (req) => {
    const caller = callerOf(req);
    const fip = await visibleFloatingIpOr404(deps.db, caller, req.params.floatingip_id);
    enforce(req, 'get_floatingip_port_forwarding', parentTarget(fip));
    const q = parseListQuery({ fields: (req.query as Record<string, string>).fields ?? [] }, PORT_FORWARDING_ATTRS);
    return {
      port_forwarding: pickFields(portForwardingView(await pfOr404(deps.db, fip.id, req.params.pf_id)), q.fields),
    };
  });

  app.post<{ Params: Params }>(BASE, async (req, reply) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'port_forwarding', 'port_forwardings', false);
    const values = parseCreate(PORT_FORWARDING_ATTRS, input);
    for (const name of ['internal_port_id', 'internal_ip_address', 'protocol'])
      if (values[name] === undefined)
        throw badRequest(`Failed to parse request. Required attribute '${name}' not specified`);
    const { external, internal } = rangesOf(values);
    const [fip, row] = await write(
      deps,
      caller,
      req,
      async (trx, fip) => {
        const pf: PortForwardingRow = {
          id: randomUUID(),
          floatingip_id: fip.id,
          internal_port_id: values.internal_port_id as string,
          internal_ip_address: values.internal_ip_address as string,
          internal_port_start: internal[0],
          internal_port_end: internal[1],
          external_port_start: external[0],
          external_port_end: external[1],
          protocol: values.protocol as string,
          description: values.description as string,
        };
        const routerId = await checkPortForwarding(trx, caller, fip, pf);
        await trx.insertInto('port_forwardings').values(pf).execute();
        await updateFloatingIp(trx, fip.id, { router_id: routerId, ...bumped(fip) });
        return { ...pf };
      },
      'create',
    );
    if (fip.router_id) await routerChanged(deps, fip.router_id);
    reply.code(201);
    return { port_forwarding: portForwardingView(row) };
  });

  app.put<{ Params: Params }>(`${BASE}/:pf_id`, async (req) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'port_forwarding', 'port_forwardings', false);
    const changes = parseUpdate(PORT_FORWARDING_ATTRS, input);
    const [fip, row] = await write(
      deps,
      caller,
      req,
      async (trx, fip) => {
        const current = await pfOr404(trx, fip.id, req.params.pf_id);
        const { external, internal } = rangesOf(changes, current);
        const pf: PortForwardingRow = {
          ...current,
          internal_port_id: (changes.internal_port_id as string) ?? current.internal_port_id,
          internal_ip_address: (changes.internal_ip_address as string) ?? current.internal_ip_address,
          protocol: (changes.protocol as string) ?? current.protocol,
          description: (changes.description as string) ?? current.description,
          internal_port_start: internal[0],
          internal_port_end: internal[1],
          external_port_start: external[0],
          external_port_end: external[1],
        };
        await checkPortForwarding(trx, caller, fip, pf);
        await trx.updateTable('port_forwardings').set(pf).where('id', '=', pf.id).execute();
        await updateFloatingIp(trx, fip.id, bumped(fip));
        return pf;
      },
      'update',
    );
    if (fip.router_id) await routerChanged(deps, fip.router_id);
    return { port_forwarding: portForwardingView(row) };
  });

  app.delete<{ Params: Params }>(`${BASE}/:pf_id`, async (req, reply) => {
    const caller = callerOf(req);
    const [fip] = await write(
      deps,
      caller,
      req,
      async (trx, fip) => {
        const pf = await pfOr404(trx, fip.id, req.params.pf_id);
        await trx.deleteFrom('port_forwardings').where('id', '=', pf.id).execute();
        const left = await trx
          .selectFrom('port_forwardings')
          .select('id')
          .where('floatingip_id', '=', fip.id)
          .executeTakeFirst();
        // The last forwarding gone, an unassociated floating IP no longer needs a router.
        const router = left || fip.fixed_port_id ? {} : { router_id: null };
        await updateFloatingIp(trx, fip.id, { ...router, ...bumped(fip) });
        return pf;
      },
      'delete',
    );
    if (fip.router_id) await routerChanged(deps, fip.router_id);
    return reply.code(204).send();
  });
}

/** One write on a floating IP's forwardings, in a transaction, with the parent's policy. */
async function write<T>(
  deps: NetworkDeps,
  caller: Caller,
  req: FastifyRequest<{ Params: Params }>,
  work: (trx: NetworkDb, fip: FloatingIpRow) => Promise<T>,
  action: 'create' | 'update' | 'delete',
): Promise<[FloatingIpRow, T]> {
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const fip = await visibleFloatingIpOr404(trx, caller, req.params.floatingip_id);
      enforce(req, `${action}_floatingip_port_forwarding`, parentTarget(fip));
      const out = await work(trx, fip);
      const after = await visibleFloatingIpOr404(trx, caller, fip.id);
      return [{ ...after, router_id: after.router_id ?? fip.router_id }, out] as [FloatingIpRow, T];
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw badRequest(
        'Bad port_forwarding request: A duplicate port forwarding entry with same attributes already exists.',
        'BadRequest',
      );
    throw err;
  }
}

function parentTarget(fip: FloatingIpRow): Record<string, unknown> {
  return { 'ext_parent:tenant_id': fip.project_id, project_id: fip.project_id, tenant_id: fip.project_id };
}

async function pfOr404(db: NetworkDb, fipId: string, id: string): Promise<PortForwardingRow> {
  const row = await db
    .selectFrom('port_forwardings')
    .selectAll()
    .where('floatingip_id', '=', fipId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new ApiError(404, 'PortForwardingNotFound', `Port Forwarding ${id} could not be found.`);
  return row;
}
