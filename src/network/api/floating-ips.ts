import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { isUniqueViolation } from '../../core/db/database.ts';
import { ApiError } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { type Caller, callerOf, enforce } from '../access.ts';
import { routerChanged } from '../agent-notify.ts';
import { bodyMembers, parseCreate, parseUpdate } from '../attributes.ts';
import type { NetworkDeps } from '../deps.ts';
import { conflict, notFound } from '../errors.ts';
import { type Association, resolveAssociation } from '../floating-ip-association.ts';
import { FLOATING_IP_ATTRS, floatingIpView } from '../floating-ip-view.ts';
import { applyListQuery, type ListQuery, pageOf, parseListQuery, pickFields } from '../listing.ts';
import { ownerOf } from '../network-create.ts';
import { notifyChange } from '../notifications.ts';
import { createInternalPort, deleteInternalPort, portView } from '../port-create.ts';
import { checkQuota } from '../quotas.ts';
import { badResource } from '../router-gateway.ts';
import { bumped, checkIfMatch, newStandardColumns } from '../standard-attrs.ts';
import {
  deleteFloatingIpRow,
  forwardingsOf,
  insertFloatingIp,
  updateFloatingIp,
  visibleFloatingIps,
} from '../store/floating-ips.ts';
import { findVisibleNetwork } from '../store/networks.ts';
import { FLOATING_IP_OWNER, fixedIpsOf, subnetsOfNetwork } from '../store/routers.ts';
import { tagsOf } from '../store/tags.ts';
import type { FloatingIpRow, NetworkDb } from '../tables.ts';

interface IdParams {
  floatingip_id: string;
}

/** /v2.0/floatingips: addresses on an external network, associated with a port through a router. */
export function floatingIpsRoutes(app: ServiceApp, deps: NetworkDeps): void {
  app.get('/v2.0/floatingips', async (req) => {
    const caller = callerOf(req);
    const q = parseListQuery(req.query as Record<string, string>, FLOATING_IP_ATTRS);
    const marker = q.marker ? await visibleOr404(deps.db, caller, q.marker) : undefined;
    const rows = await applyListQuery(
      visibleFloatingIps(deps.db, caller),
      q,
      FLOATING_IP_ATTRS,
      'floatingips',
      'floatingip',
      marker,
    ).execute();
    const { items, links } = pageOf(rows, q, deps.url('/v2.0/floatingips'), rawQuery(req));
    const views = await viewsFor(deps.db, items, q);
    return links ? { floatingips: views, floatingips_links: links } : { floatingips: views };
  });

  app.get<{ Params: IdParams }>('/v2.0/floatingips/:floatingip_id', async (req) => {
    const caller = callerOf(req);
    const row = await visibleOr404(deps.db, caller, req.params.floatingip_id);
    enforce(req, 'get_floatingip', ownerTarget(row));
    const q = parseListQuery({ fields: (req.query as Record<string, string>).fields ?? [] }, FLOATING_IP_ATTRS);
    const [view] = await viewsFor(deps.db, [row], q);
    return { floatingip: view };
  });

  app.post('/v2.0/floatingips', async (req, reply) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'floatingip', 'floatingips', false);
    const values = parseCreate(FLOATING_IP_ATTRS, input);
    const projectId = ownerOf(caller, values.project_id as string | undefined);
    const target = { ...values, project_id: projectId, tenant_id: projectId };
    enforce(req, 'create_floatingip', target);
    if (values.floating_ip_address !== undefined) enforce(req, 'create_floatingip:floating_ip_address', target);
    const row = await uniqueAssociation(() =>
      deps.db.transaction().execute(async (trx) => {
        const networkId = values.floating_network_id as string;
        const network = await findVisibleNetwork(trx, caller, networkId);
        if (!network) throw notFound('network', networkId);
        if (!network.external) throw badResource('floatingip', `Network ${networkId} is not a valid external network`);
        if (!(await subnetsOfNetwork(trx, networkId)).some((s) => s.ip_version === 4))
          throw badResource('floatingip', `Network ${networkId} does not contain any IPv4 subnet`);
        await checkQuota(trx, deps, projectId, 'floatingip');
        const id = randomUUID();
        const wanted = {
          ...(values.subnet_id ? { subnet_id: values.subnet_id as string } : {}),
          ...(values.floating_ip_address ? { ip_address: values.floating_ip_address as string } : {}),
        };
        // The address lives on a port of the external network that no project owns or sees, as in Neutron.
        const port = await createInternalPort(trx, deps, {
          network_id: networkId,
          project_id: '',
          device_owner: FLOATING_IP_OWNER,
          device_id: id,
          fixed_ips: Object.keys(wanted).length ? [wanted] : undefined,
          admin_state_up: true,
          security_groups: null,
        });
        const address = ((await fixedIpsOf(trx, [port.id])).get(port.id) ?? []).find((ip) => isIP(ip.ip_address) === 4);
        if (!address)
          throw new ApiError(
            400,
            'ExternalIpAddressExhausted',
            `Unable to find any IP address on external network ${networkId}.`,
          );
        const fip: FloatingIpRow = {
          ...newStandardColumns(id, projectId, values.description as string),
          floating_ip_address: address.ip_address,
          floating_network_id: networkId,
          floating_port_id: port.id,
          fixed_port_id: null,
          fixed_ip_address: null,
          router_id: null,
          status: 'DOWN',
        };
        const assoc = await resolveAssociation(
          trx,
          caller,
          fip,
          (values.port_id as string | null | undefined) ?? null,
          values.fixed_ip_address as string | null | undefined,
        );
        const row = { ...fip, ...assoc, status: assoc.fixed_port_id ? 'ACTIVE' : 'DOWN' };
        await insertFloatingIp(trx, row);
        return row;
      }),
    );
    const [view] = await viewsFor(deps.db, [row]);
    await notifyChange(deps, 'floatingip', 'create', view);
    if (row.router_id) await routerChanged(deps, row.router_id);
    reply.code(201);
    return { floatingip: view };
  });

  app.put<{ Params: IdParams }>('/v2.0/floatingips/:floatingip_id', async (req) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'floatingip', 'floatingips', false);
    const changes = parseUpdate(FLOATING_IP_ATTRS, input);
    const [before, after] = await uniqueAssociation(() =>
      deps.db.transaction().execute(async (trx) => {
        const row = await visibleOr404(trx, caller, req.params.floatingip_id);
        checkIfMatch(req, row);
        enforce(req, 'update_floatingip', ownerTarget(row));
        const assoc = await associationAfter(trx, caller, row, changes);
        const next: FloatingIpRow = {
          ...row,
          ...assoc,
          status: assoc.fixed_port_id ? 'ACTIVE' : 'DOWN',
          ...('description' in changes ? { description: changes.description as string } : {}),
        };
        await updateFloatingIp(trx, row.id, { ...next, ...bumped(row) });
        return [row, { ...next, ...bumped(row) }] as const;
      }),
    );
    const [view] = await viewsFor(deps.db, [after]);
    await notifyChange(deps, 'floatingip', 'update', view);
    for (const id of new Set([before.router_id, after.router_id])) if (id) await routerChanged(deps, id);
    return { floatingip: view };
  });

  app.delete<{ Params: IdParams }>('/v2.0/floatingips/:floatingip_id', async (req, reply) => {
    const caller = callerOf(req);
    const [row, view] = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.floatingip_id);
      checkIfMatch(req, row);
      enforce(req, 'delete_floatingip', ownerTarget(row));
      const [view] = await viewsFor(trx, [row]);
      // Neutron refuses to delete a floating IP while port forwardings still use it.
      if ((await forwardingsOf(trx, [row.id])).has(row.id))
        throw conflict('FipInUseByPortForwarding', `Floating IP ${row.id} in use by Port Forwarding resources.`);
      await deleteFloatingIpRow(trx, row.id);
      await deleteInternalPort(trx, deps, row.floating_port_id);
      return [row, view] as const;
    });
    await notifyChange(deps, 'floatingip', 'delete', view);
    if (row.router_id) await routerChanged(deps, row.router_id);
    return reply.code(204).send();
  });
}

/**
 * The association an update leaves: `port_id` given (null disassociates); or a new fixed_ip_address on the
 * current port; or the current one. A floating IP serving port forwardings keeps their router.
 */
async function associationAfter(
  trx: NetworkDb,
  caller: Caller,
  row: FloatingIpRow,
  changes: Record<string, unknown>,
): Promise<Association> {
  // An empty update body disassociates, as it did before floating IPs had other attributes (Neutron keeps that).
  if ('port_id' in changes || Object.keys(changes).length === 0) {
    const assoc = await resolveAssociation(
      trx,
      caller,
      row,
      (changes.port_id ?? null) as string | null,
      changes.fixed_ip_address as string | null | undefined,
    );
    // A floating IP serving port forwardings (no fixed port of its own) keeps their router.
    return assoc.fixed_port_id || row.fixed_port_id ? assoc : { ...assoc, router_id: row.router_id };
  }
  if (row.fixed_port_id) {
    const fixed = 'fixed_ip_address' in changes ? (changes.fixed_ip_address as string | null) : row.fixed_ip_address;
    return resolveAssociation(trx, caller, row, row.fixed_port_id, fixed);
  }
  if (changes.fixed_ip_address)
    throw badResource('floatingip', 'fixed_ip_address cannot be specified without a port_id');
  return { fixed_port_id: null, fixed_ip_address: null, router_id: row.router_id };
}

/** Two requests associating the same fixed IP at once: the unique index lets one win; the other is Neutron's 409. */
async function uniqueAssociation<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict(
        'FloatingIPPortAlreadyAssociated',
        'Cannot associate floating IP: that fixed IP already has a floating IP on this external network.',
      );
    throw err;
  }
}

function ownerTarget(row: FloatingIpRow): Record<string, unknown> {
  return { id: row.id, project_id: row.project_id, tenant_id: row.project_id };
}

export async function visibleFloatingIpOr404(db: NetworkDb, caller: Caller, id: string): Promise<FloatingIpRow> {
  const row = await visibleFloatingIps(db, caller).where('floatingips.id', '=', id).executeTakeFirst();
  if (!row) throw new ApiError(404, 'FloatingIPNotFound', `Floating IP ${id} could not be found`);
  return row;
}

const visibleOr404 = visibleFloatingIpOr404;

async function viewsFor(db: NetworkDb, rows: FloatingIpRow[], q?: ListQuery): Promise<Record<string, unknown>[]> {
  const ids = rows.map((r) => r.id);
  const portIds = rows.flatMap((r) => (r.fixed_port_id ? [r.fixed_port_id] : []));
  const [tags, ports, forwardings] = await Promise.all([
    tagsOf(db, 'floatingip', ids),
    portIds.length ? portView(db, portIds) : new Map<string, Record<string, unknown>>(),
    forwardingsOf(db, ids),
  ]);
  return rows.map((row) => {
    const view = floatingIpView(row, {
      tags: tags.get(row.id) ?? [],
      port: row.fixed_port_id ? ports.get(row.fixed_port_id) : undefined,
      forwardings: forwardings.get(row.id) ?? [],
    });
    return q ? pickFields(view, q.fields) : view;
  });
}

function rawQuery(req: FastifyRequest): string {
  return req.url.split('?')[1] ?? '';
}
