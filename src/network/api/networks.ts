import type { FastifyRequest } from 'fastify';
import { type Caller, callerOf, enforce, enforceAttributes } from '../access.ts';
import { externalNetworkChanged, networkChanged } from '../agent-notify.ts';
import { bodyMembers, parseUpdate } from '../attributes.ts';
import type { NetworkDeps } from '../deps.ts';
import { badRequest, notFound } from '../errors.ts';
import { applyListQuery, type ListQuery, pageOf, parseListQuery, pickFields } from '../listing.ts';
import { insertNewNetwork, parseNetworkCreate, withSegmentRetry } from '../network-create.ts';
import { beforeNetworkDelete } from '../network-lifecycle.ts';
import { GUARDED_NETWORK_ATTRS, NETWORK_ATTRS, networkViewFor, PROVIDER_ATTRS } from '../network-view.ts';
import { notifyChange } from '../notifications.ts';
import { mtuOf } from '../segments.ts';
import { bumped, checkIfMatch } from '../standard-attrs.ts';
import { deleteNetworkRow, findVisibleNetwork, sharedWith, updateNetwork, visibleNetworks } from '../store/networks.ts';
import { makeExternal, makeInternal, shareWithEveryone, unshareWithEveryone } from '../store/rbac.ts';
import { subnetIdsOf } from '../store/subnets.ts';
import { tagsOf } from '../store/tags.ts';
import type { NetworkDb, NetworkRow } from '../tables.ts';

interface IdParams {
  network_id: string;
}

/** /v2.0/networks: Neutron's network resource. */
export function networksRoutes(app: ServiceApp, deps: NetworkDeps): void {
  app.get('/v2.0/networks', async (req) => {
    const caller = callerOf(req);
    const q = parseListQuery(req.query as Record<string, string>, NETWORK_ATTRS);
    const marker = q.marker ? await markerRow(deps, caller, q.marker) : undefined;
    const rows = await applyListQuery(
      visibleNetworks(deps.db, caller),
      q,
      NETWORK_ATTRS,
      'networks',
      'network',
      marker,
    ).execute();
    const { items, links } = pageOf(rows, q, deps.url('/v2.0/networks'), rawQuery(req));
    const views = await viewsFor(req, deps.db, caller, items, q);
    return links ? { networks: views, networks_links: links } : { networks: views };
  });

  app.get<{ Params: IdParams }>('/v2.0/networks/:network_id', async (req) => {
    const caller = callerOf(req);
    const row = await visibleOr404(deps.db, caller, req.params.network_id);
    const q = parseListQuery({ fields: (req.query as Record<string, string>).fields ?? [] }, NETWORK_ATTRS);
    const [view] = await viewsFor(req, deps.db, caller, [row]);
    // The policy sees the whole network; `fields=` only trims the answer.
    enforce(req, 'get_network', view);
    return { network: pickFields(view, q.fields) };
  });

  app.post('/v2.0/networks', async (req, reply) => {
    const caller = callerOf(req);
    const isBulk = Array.isArray((req.body as Record<string, unknown> | null)?.networks);
    const parsed = bodyMembers(req.body, 'network', 'networks', true).map((m) => parseNetworkCreate(req, caller, m));
    const rows = await withSegmentRetry(deps.db, async (trx) => {
      const out: NetworkRow[] = [];
      for (const { values, projectId } of parsed) out.push(await insertNewNetwork(trx, deps, values, projectId));
      return out;
    });
    const views = await viewsFor(req, deps.db, caller, rows);
    for (const view of views) await notifyChange(deps, 'network', 'create', view);
    // The L3 host wires an external network at once (floating IPs and client namespaces live on its bridge).
    for (const view of views) if (view['router:external']) await externalNetworkChanged(deps, String(view.id));
    reply.code(201);
    return isBulk ? { networks: views } : { network: views[0] };
  });

  app.put<{ Params: IdParams }>('/v2.0/networks/:network_id', async (req) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'network', 'networks', false);
    const changes = parseUpdate(NETWORK_ATTRS, input);
    const updated = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.network_id);
      checkIfMatch(req, row);
      const [before] = await viewsFor(req, trx, caller, [row]);
      enforce(req, 'update_network', before);
      enforceAttributes(req, 'update', 'network', GUARDED_NETWORK_ATTRS, changes, before);
      await updateNetwork(trx, row.id, { ...columnsOf(deps.config, row, changes), ...bumped(row) });
      if ('shared' in changes && Boolean(changes.shared) !== Boolean(row.shared)) {
        if (changes.shared) await shareWithEveryone(trx, row.id, row.project_id);
        else await unshareWithEveryone(trx, row.id);
      }
      if ('router:external' in changes && Boolean(changes['router:external']) !== Boolean(row.external)) {
        if (changes['router:external']) await makeExternal(trx, row.id, row.project_id);
        else await makeInternal(trx, row.id);
      }
      return (await visibleOr404(trx, caller, row.id)) as NetworkRow;
    });
    const [view] = await viewsFor(req, deps.db, caller, [updated]);
    await notifyChange(deps, 'network', 'update', view);
    await networkChanged(deps, updated.id);
    return { network: view };
  });

  app.delete<{ Params: IdParams }>('/v2.0/networks/:network_id', async (req, reply) => {
    const caller = callerOf(req);
    const view = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.network_id);
      checkIfMatch(req, row);
      const [before] = await viewsFor(req, trx, caller, [row]);
      enforce(req, 'delete_network', before);
      await beforeNetworkDelete(trx, deps, row.id);
      await deleteNetworkRow(trx, row.id);
      return before;
    });
    await notifyChange(deps, 'network', 'delete', view);
    // The DHCP host drops the network's dnsmasq, namespace and bridge.
    await networkChanged(deps, req.params.network_id);
    return reply.code(204).send();
  });
}

type ServiceApp = import('../../core/http/service.ts').ServiceApp;
type Config = NetworkDeps['config'];

/** Columns an update writes; provider attributes cannot change once the segment is allocated. */
function columnsOf(config: Config, row: NetworkRow, changes: Record<string, unknown>): Partial<NetworkRow> {
  for (const attr of PROVIDER_ATTRS) {
    if (!(attr in changes)) continue;
    const current = {
      'provider:network_type': row.network_type,
      'provider:physical_network': row.physical_network || null,
      'provider:segmentation_id': row.segmentation_id,
    }[attr];
    if (changes[attr] !== current)
      throw badRequest('Plugin does not support updating provider attributes', 'InvalidInput');
  }
  const out: Partial<NetworkRow> = {};
  const bool = (x: unknown) => (x ? 1 : 0);
  if ('name' in changes) out.name = changes.name as string;
  if ('description' in changes) out.description = changes.description as string;
  if ('admin_state_up' in changes) out.admin_state_up = bool(changes.admin_state_up);
  if ('shared' in changes) out.shared = bool(changes.shared);
  if ('router:external' in changes) out.external = bool(changes['router:external']);
  if ('port_security_enabled' in changes) out.port_security_enabled = bool(changes.port_security_enabled);
  if ('dns_domain' in changes) out.dns_domain = changes.dns_domain as string;
  if ('mtu' in changes) {
    // The segment's limit, not the current value: a network made with a small MTU may grow up to it.
    const max = mtuOf(config, row);
    if ((changes.mtu as number) > max) throw badRequest(`Requested MTU is too big, maximum is ${max}`, 'InvalidInput');
    out.mtu = changes.mtu as number;
  }
  return out;
}

async function visibleOr404(db: NetworkDb, caller: Caller, id: string): Promise<NetworkRow> {
  const row = await findVisibleNetwork(db, caller, id);
  if (!row) throw notFound('network', id);
  return row;
}

async function markerRow(deps: NetworkDeps, caller: Caller, id: string): Promise<NetworkRow> {
  return visibleOr404(deps.db, caller, id);
}

/** Views of many networks with their tags, subnets and per-viewer sharing, hydrated in a few queries. */
async function viewsFor(
  req: FastifyRequest,
  db: NetworkDb,
  caller: Caller,
  rows: NetworkRow[],
  q?: ListQuery,
): Promise<Record<string, unknown>[]> {
  const ids = rows.map((r) => r.id);
  const [tags, subnets, shared] = await Promise.all([
    tagsOf(db, 'network', ids),
    subnetIdsOf(db, ids),
    sharedWith(db, caller, ids),
  ]);
  return rows.map((row) => {
    const view = networkViewFor(req, row, {
      tags: tags.get(row.id) ?? [],
      subnets: subnets.get(row.id) ?? [],
      sharedWithViewer: shared.has(row.id),
    });
    return q ? pickFields(view, q.fields) : view;
  });
}

function rawQuery(req: FastifyRequest): string {
  return req.url.split('?')[1] ?? '';
}
