import type { SelectQueryBuilder } from 'kysely';
import type { Caller } from '../access.ts';
import type { NetworkDb, NetworkTables, SubnetRow } from '../tables.ts';
import { sharedObjectIds } from './rbac-shared.ts';

/** The subnet ids of each network, for the network view. */
export async function subnetIdsOf(db: NetworkDb, networkIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (networkIds.length === 0) return out;
  const rows = await db
    .selectFrom('subnets')
    .select(['id', 'network_id'])
    .where('network_id', 'in', networkIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const r of rows) out.set(r.network_id, [...(out.get(r.network_id) ?? []), r.id]);
  return out;
}

/**
 * Subnets the caller may see: their own, those on their networks, and those on networks shared with them.
 * An external network that is not shared shows its subnets to no one else (Tempest checks this).
 */
export function visibleSubnets(db: NetworkDb, caller: Caller): SelectQueryBuilder<NetworkTables, 'subnets', SubnetRow> {
  const q = db.selectFrom('subnets').selectAll('subnets');
  if (caller.isAdmin) return q;
  return q.where((eb) =>
    eb.or([
      eb('subnets.project_id', '=', caller.projectId),
      eb(
        'subnets.network_id',
        'in',
        eb
          .selectFrom('networks')
          .select('networks.id')
          .where((n) => n.or([n('networks.project_id', '=', caller.projectId), n('networks.shared', '=', 1)])),
      ),
      eb('subnets.network_id', 'in', sharedObjectIds('network', caller)),
    ]),
  );
}

/**
 * Neutron's `shared` filter on subnets: a subnet is shared when its network is, to the caller (shared to all, or
 * to their project by RBAC). It is no attribute of the subnet view, only a filter.
 */
export function whereNetworkShared(
  query: SelectQueryBuilder<NetworkTables, 'subnets', SubnetRow>,
  caller: Caller,
  shared: boolean,
): SelectQueryBuilder<NetworkTables, 'subnets', SubnetRow> {
  return query.where((eb) => {
    const sharedNetworks = eb.or([
      eb('subnets.network_id', 'in', eb.selectFrom('networks').select('networks.id').where('networks.shared', '=', 1)),
      eb('subnets.network_id', 'in', sharedObjectIds('network', caller)),
    ]);
    return shared ? sharedNetworks : eb.not(sharedNetworks);
  });
}

export interface SubnetChildren {
  pools: Map<string, { start: string; end: string }[]>;
  dns: Map<string, string[]>;
  routes: Map<string, { destination: string; nexthop: string }[]>;
}

/** Allocation pools, name servers and host routes of many subnets. */
export async function subnetChildren(db: NetworkDb, ids: readonly string[]): Promise<SubnetChildren> {
  const out: SubnetChildren = { pools: new Map(), dns: new Map(), routes: new Map() };
  if (ids.length === 0) return out;
  const [pools, dns, routes] = await Promise.all([
    db.selectFrom('subnet_allocation_pools').selectAll().where('subnet_id', 'in', ids).orderBy('position').execute(),
    db.selectFrom('subnet_dns_nameservers').selectAll().where('subnet_id', 'in', ids).orderBy('position').execute(),
    db.selectFrom('subnet_host_routes').selectAll().where('subnet_id', 'in', ids).orderBy('destination').execute(),
  ]);
  const push = <T>(m: Map<string, T[]>, k: string, x: T) => m.set(k, [...(m.get(k) ?? []), x]);
  for (const p of pools) push(out.pools, p.subnet_id, { start: p.first_ip, end: p.last_ip });
  for (const d of dns) push(out.dns, d.subnet_id, d.address);
  for (const r of routes) push(out.routes, r.subnet_id, { destination: r.destination, nexthop: r.nexthop });
  return out;
}

export async function replacePools(db: NetworkDb, subnetId: string, pools: { start: string; end: string }[]) {
  await db.deleteFrom('subnet_allocation_pools').where('subnet_id', '=', subnetId).execute();
  if (pools.length)
    await db
      .insertInto('subnet_allocation_pools')
      .values(pools.map((p, position) => ({ subnet_id: subnetId, first_ip: p.start, last_ip: p.end, position })))
      .execute();
}

export async function replaceDns(db: NetworkDb, subnetId: string, addresses: string[]) {
  await db.deleteFrom('subnet_dns_nameservers').where('subnet_id', '=', subnetId).execute();
  if (addresses.length)
    await db
      .insertInto('subnet_dns_nameservers')
      .values(addresses.map((address, position) => ({ subnet_id: subnetId, address, position })))
      .execute();
}

export async function replaceRoutes(
  db: NetworkDb,
  subnetId: string,
  routes: { destination: string; nexthop: string }[],
) {
  await db.deleteFrom('subnet_host_routes').where('subnet_id', '=', subnetId).execute();
  if (routes.length)
    await db
      .insertInto('subnet_host_routes')
      .values(routes.map((r) => ({ subnet_id: subnetId, ...r })))
      .execute();
}

export async function deleteSubnetRow(db: NetworkDb, id: string): Promise<void> {
  await db.deleteFrom('ip_allocations').where('subnet_id', '=', id).execute();
  await db.deleteFrom('subnet_allocation_pools').where('subnet_id', '=', id).execute();
  await db.deleteFrom('subnet_dns_nameservers').where('subnet_id', '=', id).execute();
  await db.deleteFrom('subnet_host_routes').where('subnet_id', '=', id).execute();
  await db.deleteFrom('network_tags').where('resource_type', '=', 'subnet').where('resource_id', '=', id).execute();
  await db.deleteFrom('subnets').where('id', '=', id).execute();
}
