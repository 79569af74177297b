import type { SelectQueryBuilder } from 'kysely';
import type { Caller } from '../access.ts';
import type { FixedIp } from '../router-view.ts';
import type { NetworkDb, NetworkTables, PortRow, RouterRow } from '../tables.ts';
import { deleteTags } from './tags.ts';

export const ROUTER_INTERFACE = 'network:router_interface';
export const ROUTER_GATEWAY = 'network:router_gateway';
export const FLOATING_IP_OWNER = 'network:floatingip';

/** Routers the caller may see: their project's (an admin sees all); the rest answer 404. */
export function visibleRouters(db: NetworkDb, caller: Caller): SelectQueryBuilder<NetworkTables, 'routers', RouterRow> {
  const q = db.selectFrom('routers').selectAll('routers');
  return caller.isAdmin ? q : q.where('routers.project_id', '=', caller.projectId);
}

export function findRouter(db: NetworkDb, id: string): Promise<RouterRow | undefined> {
  return db.selectFrom('routers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertRouter(db: NetworkDb, row: RouterRow): Promise<void> {
  await db.insertInto('routers').values(row).execute();
}

export async function updateRouter(db: NetworkDb, id: string, changes: Partial<RouterRow>): Promise<void> {
  await db.updateTable('routers').set(changes).where('id', '=', id).execute();
}

export async function deleteRouterRow(db: NetworkDb, id: string): Promise<void> {
  await deleteTags(db, 'router', id);
  await db.deleteFrom('routers').where('id', '=', id).execute();
}

/** The fixed IPs of many ports (ip_allocations), in a stable order. */
export async function fixedIpsOf(db: NetworkDb, portIds: readonly string[]): Promise<Map<string, FixedIp[]>> {
  const out = new Map<string, FixedIp[]>();
  if (portIds.length === 0) return out;
  const rows = await db
    .selectFrom('ip_allocations')
    .select(['port_id', 'subnet_id', 'ip_address'])
    .where('port_id', 'in', [...portIds])
    .orderBy('subnet_id')
    .orderBy('ip_address')
    .execute();
  for (const r of rows) {
    if (!r.port_id) continue;
    out.set(r.port_id, [...(out.get(r.port_id) ?? []), { subnet_id: r.subnet_id, ip_address: r.ip_address }]);
  }
  return out;
}

/** The router's interface ports (not its gateway), with their fixed IPs. */
export async function interfacePorts(db: NetworkDb, routerId: string): Promise<(PortRow & { fixed_ips: FixedIp[] })[]> {
  const ports = await db
    .selectFrom('ports')
    .selectAll()
    .where('device_id', '=', routerId)
    .where('device_owner', '=', ROUTER_INTERFACE)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const ips = await fixedIpsOf(
    db,
    ports.map((p) => p.id),
  );
  return ports.map((p) => ({ ...p, fixed_ips: ips.get(p.id) ?? [] }));
}

export interface SubnetBrief {
  id: string;
  network_id: string;
  project_id: string;
  cidr: string;
  gateway_ip: string | null;
  ip_version: number;
}

export async function subnetsByIds(db: NetworkDb, ids: readonly string[]): Promise<Map<string, SubnetBrief>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('subnets')
    .select(['id', 'network_id', 'project_id', 'cidr', 'gateway_ip', 'ip_version'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export function subnetsOfNetwork(db: NetworkDb, networkId: string): Promise<SubnetBrief[]> {
  return db
    .selectFrom('subnets')
    .select(['id', 'network_id', 'project_id', 'cidr', 'gateway_ip', 'ip_version'])
    .where('network_id', '=', networkId)
    .execute();
}
