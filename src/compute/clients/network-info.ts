import type { NetworkInfo, NetworkInfoEntry } from './types.ts';

/** The parts of a Neutron port the network info is built from. */
export interface NeutronPort {
  id: string;
  network_id: string;
  mac_address: string;
  status: string;
  device_id: string;
  device_owner: string;
  fixed_ips: { ip_address: string; subnet_id: string }[];
  'binding:vif_type'?: string;
  'binding:vif_details'?: Record<string, unknown>;
  created_at?: string;
}

export interface NeutronNetwork {
  id: string;
  name: string;
  mtu?: number;
}

export interface NeutronFloatingIp {
  floating_ip_address: string;
  fixed_ip_address: string | null;
  port_id: string | null;
}

/** What Compute remembers of a port that Neutron does not say: the boot/attach tag, and whose port it is. */
export interface PortMemory {
  tag?: string | null;
  preserve_on_delete: boolean;
}

/**
 * Nova's network info model from Neutron's answers: one VIF per port in `order` (the cached order first, new
 * ports after by creation time), each with its network's name as label, its addresses' IP versions and the
 * floating IPs pointing at it.
 */
export function buildNetworkInfo(
  ports: NeutronPort[],
  networks: NeutronNetwork[],
  floatingIps: NeutronFloatingIp[],
  memory: Map<string, PortMemory>,
  order: string[] = [],
): NetworkInfo {
  const rank = (id: string) => {
    const i = order.indexOf(id);
    return i === -1 ? order.length : i;
  };
  const sorted = [...ports].sort(
    (a, b) => rank(a.id) - rank(b.id) || (a.created_at ?? '').localeCompare(b.created_at ?? ''),
  );
  const netById = new Map(networks.map((n) => [n.id, n]));
  return sorted.map((p): NetworkInfoEntry => {
    const net = netById.get(p.network_id);
    const known = memory.get(p.id);
    return {
      id: p.id,
      address: p.mac_address,
      network: { id: p.network_id, label: net?.name ?? '', ...(net?.mtu !== undefined && { mtu: net.mtu }) },
      fixed_ips: p.fixed_ips.map((f) => ({
        ip_address: f.ip_address,
        subnet_id: f.subnet_id,
        version: f.ip_address.includes(':') ? 6 : 4,
      })),
      type: p['binding:vif_type'] ?? 'unbound',
      details: p['binding:vif_details'] ?? {},
      devname: `tap${p.id.slice(0, 11)}`,
      floating_ips: floatingIps
        .filter((f) => f.port_id === p.id)
        .map((f) => ({ floating_ip_address: f.floating_ip_address, fixed_ip_address: f.fixed_ip_address ?? '' })),
      // A port Compute did not create (or forgot) is the user's: unbound, never deleted, with the server.
      preserve_on_delete: known?.preserve_on_delete ?? true,
      status: p.status,
      tag: known?.tag ?? null,
    };
  });
}

/** What a cached network info remembers per port (tags and ownership survive refreshes). */
export function memoryOf(info: NetworkInfo): Map<string, PortMemory> {
  return new Map(info.map((v) => [v.id, { tag: v.tag ?? null, preserve_on_delete: v.preserve_on_delete }]));
}

/** Nova's `addresses` of a server: `{label: [{version, addr, OS-EXT-IPS:type, OS-EXT-IPS-MAC:mac_addr}]}`. */
export function addressesOf(info: NetworkInfo): Record<string, Record<string, unknown>[]> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const vif of info) {
    out[vif.network.label] ??= [];
    const list = out[vif.network.label];
    for (const ip of vif.fixed_ips) {
      list.push({
        version: ip.version,
        addr: ip.ip_address,
        'OS-EXT-IPS:type': 'fixed',
        'OS-EXT-IPS-MAC:mac_addr': vif.address,
      });
      for (const f of vif.floating_ips.filter((x) => x.fixed_ip_address === ip.ip_address))
        list.push({
          version: f.floating_ip_address.includes(':') ? 6 : 4,
          addr: f.floating_ip_address,
          'OS-EXT-IPS:type': 'floating',
          'OS-EXT-IPS-MAC:mac_addr': vif.address,
        });
    }
  }
  return out;
}
