import type { FastifyRequest } from 'fastify';
import { type Caller, callerOf, enforce, hideAttributes } from '../access.ts';
import { networkChanged } from '../agent-notify.ts';
import { bodyMembers, v } from '../attributes.ts';
import type { NetworkDeps } from '../deps.ts';
import { conflict, notFound } from '../errors.ts';
import { applyListQuery, type ListQuery, pageOf, parseListQuery, pickFields } from '../listing.ts';
import { notifyChange } from '../notifications.ts';
import { checkIfMatch } from '../standard-attrs.ts';
import { bumpNetworkRevision } from '../store/networks.ts';
import { deleteSubnetRow, subnetChildren, visibleSubnets, whereNetworkShared } from '../store/subnets.ts';
import { tagsOf } from '../store/tags.ts';
import { createSubnet, subnetTarget } from '../subnet-create.ts';
import { isAutoAddress } from '../subnet-rules.ts';
import { updateSubnet } from '../subnet-update.ts';
import { SUBNET_ATTRS, subnetView } from '../subnet-view.ts';
import type { NetworkDb, NetworkRow, SubnetRow } from '../tables.ts';

type ServiceApp = import('../../core/http/service.ts').ServiceApp;

interface IdParams {
  subnet_id: string;
}

/** /v2.0/subnets: Neutron's subnet resource. */
export function subnetsRoutes(app: ServiceApp, deps: NetworkDeps): void {
  app.get('/v2.0/subnets', async (req) => {
    const caller = callerOf(req);
    const q = parseListQuery(req.query as Record<string, string>, SUBNET_ATTRS, ['shared']);
    const marker = q.marker ? await visibleOr404(deps.db, caller, q.marker) : undefined;
    let query = visibleSubnets(deps.db, caller);
    const shared = [...new Set((q.extra.get('shared') ?? []).map((s) => v.boolean()(s, 'shared') as boolean))];
    if (shared.length === 1) query = whereNetworkShared(query, caller, shared[0]);
    const rows = await applyListQuery(query, q, SUBNET_ATTRS, 'subnets', 'subnet', marker).execute();
    const { items, links } = pageOf(rows, q, deps.url('/v2.0/subnets'), req.url.split('?')[1] ?? '');
    const views = await subnetViews(req, deps.db, items, q);
    return links ? { subnets: views, subnets_links: links } : { subnets: views };
  });

  app.get<{ Params: IdParams }>('/v2.0/subnets/:subnet_id', async (req) => {
    const caller = callerOf(req);
    const row = await visibleOr404(deps.db, caller, req.params.subnet_id);
    const q = parseListQuery({ fields: (req.query as Record<string, string>).fields ?? [] }, SUBNET_ATTRS);
    const [view] = await subnetViews(req, deps.db, [row], q);
    return { subnet: view };
  });

  app.post('/v2.0/subnets', async (req, reply) => {
    const caller = callerOf(req);
    const isBulk = Array.isArray((req.body as Record<string, unknown> | null)?.subnets);
    const members = bodyMembers(req.body, 'subnet', 'subnets', true);
    const rows = await deps.db.transaction().execute(async (trx) => {
      const out: SubnetRow[] = [];
      for (const m of members) out.push(await createSubnet(req, trx, deps, caller, m));
      return out;
    });
    const views = await subnetViews(req, deps.db, rows);
    for (const view of views) await notifyChange(deps, 'subnet', 'create', view);
    for (const id of new Set(rows.map((r) => r.network_id))) await networkChanged(deps, id);
    reply.code(201);
    return isBulk ? { subnets: views } : { subnet: views[0] };
  });

  app.put<{ Params: IdParams }>('/v2.0/subnets/:subnet_id', async (req) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'subnet', 'subnets', false);
    const updated = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.subnet_id);
      checkIfMatch(req, row);
      const network = await networkOf(trx, row);
      const [before] = await subnetViews(req, trx, [row]);
      await updateSubnet(req, trx, row, network, subnetTarget(before, network), input);
      return visibleOr404(trx, caller, row.id);
    });
    const [view] = await subnetViews(req, deps.db, [updated]);
    await notifyChange(deps, 'subnet', 'update', view);
    await networkChanged(deps, updated.network_id);
    return { subnet: view };
  });

  app.delete<{ Params: IdParams }>('/v2.0/subnets/:subnet_id', async (req, reply) => {
    const caller = callerOf(req);
    const view = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.subnet_id);
      checkIfMatch(req, row);
      const network = await networkOf(trx, row);
      const [before] = await subnetViews(req, trx, [row]);
      enforce(req, 'delete_subnet', subnetTarget(before, network));
      await checkSubnetUnused(trx, row);
      await deleteSubnetRow(trx, row.id);
      await bumpNetworkRevision(trx, row.network_id); // a subnet revises its network, as in Neutron
      return before;
    });
    await notifyChange(deps, 'subnet', 'delete', view);
    await networkChanged(deps, view.network_id as string);
    return reply.code(204).send();
  });
}

/**
 * A subnet goes only when no port but DHCP's holds an address on it; on SLAAC and DHCPv6-stateless subnets the
 * hosts' own addresses go with it (only router interfaces block), as in Neutron.
 */
async function checkSubnetUnused(trx: NetworkDb, row: SubnetRow): Promise<void> {
  const holders = await trx
    .selectFrom('ip_allocations')
    .innerJoin('ports', 'ports.id', 'ip_allocations.port_id')
    .select('ports.device_owner')
    .where('ip_allocations.subnet_id', '=', row.id)
    .execute();
  const auto = isAutoAddress(row.ipv6_address_mode);
  const blocking = holders.filter((h) =>
    auto ? h.device_owner.startsWith('network:router_interface') : h.device_owner !== 'network:dhcp',
  );
  if (blocking.length)
    throw conflict(
      'SubnetInUse',
      `Unable to complete operation on subnet ${row.id}: One or more ports have an IP allocation from this subnet.`,
    );
}

async function networkOf(db: NetworkDb, row: SubnetRow): Promise<NetworkRow> {
  const network = await db.selectFrom('networks').selectAll().where('id', '=', row.network_id).executeTakeFirst();
  if (!network) throw notFound('network', row.network_id);
  return network;
}

async function visibleOr404(db: NetworkDb, caller: Caller, id: string): Promise<SubnetRow> {
  const row = await visibleSubnets(db, caller).where('subnets.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('subnet', id);
  return row;
}

/** Views of a page of subnets; `segment_id` is admin-only (`get_subnet:segment_id`). */
export async function subnetViews(
  req: FastifyRequest,
  db: NetworkDb,
  rows: SubnetRow[],
  q?: ListQuery,
): Promise<Record<string, unknown>[]> {
  const ids = rows.map((r) => r.id);
  const [tags, children] = await Promise.all([tagsOf(db, 'subnet', ids), subnetChildren(db, ids)]);
  return rows.map((row) => {
    const view = subnetView(row, {
      tags: tags.get(row.id) ?? [],
      pools: children.pools.get(row.id) ?? [],
      dns: children.dns.get(row.id) ?? [],
      routes: children.routes.get(row.id) ?? [],
    });
    hideAttributes(req, 'subnet', view, ['segment_id']);
    return q ? pickFields(view, q.fields) : view;
  });
}
