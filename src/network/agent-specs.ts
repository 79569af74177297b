import type { FixedIpSpec, NetworkSpec } from './drivers/dataplane.ts';
import type { NetworkDb, NetworkRow } from './tables.ts';

/** Resolved pieces of the desired state that ports, DHCP and routers share: network segments and fixed IPs. */
export async function networkSpecs(db: NetworkDb, ids: string[]): Promise<Map<string, NetworkSpec>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('networks').selectAll().where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, networkSpec(r)]));
}

function networkSpec(r: NetworkRow): NetworkSpec {
  return {
    id: r.id,
    network_type: r.network_type,
    physical_network: r.physical_network || null,
    segmentation_id: r.segmentation_id,
    mtu: r.mtu,
    admin_state_up: Boolean(r.admin_state_up),
    external: Boolean(r.external),
  };
}

export async function fixedIpsOf(db: NetworkDb, portIds: string[]): Promise<Map<string, FixedIpSpec[]>> {
  const out = new Map<string, FixedIpSpec[]>();
  if (portIds.length === 0) return out;
  const rows = await db
    .selectFrom('ip_allocations')
    .innerJoin('subnets', 'subnets.id', 'ip_allocations.subnet_id')
    .select([
      'ip_allocations.port_id',
      'ip_allocations.subnet_id',
      'ip_allocations.ip_address',
      'subnets.cidr',
      'subnets.ip_version',
      'subnets.gateway_ip',
    ])
    .where('ip_allocations.port_id', 'in', portIds)
    .orderBy('ip_allocations.ip_address')
    .execute();
  for (const r of rows) {
    const list = out.get(r.port_id ?? '') ?? [];
    list.push({
      subnet_id: r.subnet_id,
      ip_address: r.ip_address,
      cidr: r.cidr,
      ip_version: r.ip_version,
      gateway_ip: r.gateway_ip,
    });
    out.set(r.port_id ?? '', list);
  }
  return out;
}
