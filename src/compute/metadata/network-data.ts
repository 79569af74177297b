import type { Vif } from '../drivers/hypervisor.ts';

/** What network_data.json needs of a Neutron subnet to describe a static address. */
export interface SubnetFacts {
  id: string;
  cidr: string;
  ip_version: number;
  gateway_ip: string | null;
  enable_dhcp: boolean;
  dns_nameservers: string[];
  host_routes: { destination: string; nexthop: string }[];
  ipv6_address_mode?: string | null;
}

interface Route {
  network: string;
  netmask: string;
  gateway: string;
}

/** Link types cloud-init takes for a physical NIC; anything else (an unbound port) is shown as 'phy'. */
const LINK_TYPES = new Set(['bridge', 'ethernet', 'hw_veb', 'hyperv', 'ovs', 'phy', 'tap', 'vhostuser', 'vif']);

/** A prefix length as a netmask: 255.255.255.0 for /24, ffff:ffff:ffff:ffff:: for /64. */
export function netmaskOf(prefix: number, version: number): string {
  if (version === 4) {
    const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return [24, 16, 8, 0].map((s) => (bits >>> s) & 0xff).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => {
    const ones = Math.max(0, Math.min(16, prefix - i * 16));
    return ones === 0 ? 0 : (0xffff << (16 - ones)) & 0xffff;
  });
  const zeros = groups.length - groups.findLastIndex((g) => g !== 0) - 1;
  const shown = groups.slice(0, groups.length - (zeros >= 2 ? zeros : 0)).map((g) => g.toString(16));
  if (zeros < 2) return shown.join(':');
  return shown.length === 0 ? '::' : `${shown.join(':')}::`;
}

/** 10.0.0.0/24 as network and netmask. */
function splitCidr(cidr: string): { network: string; netmask: string; version: number } {
  const [network = '', length = ''] = cidr.split('/');
  const version = network.includes(':') ? 6 : 4;
  const prefix = length === '' ? (version === 4 ? 32 : 128) : Number(length);
  return { network, netmask: netmaskOf(prefix, version), version };
}

function routesOf(subnet: SubnetFacts): Route[] {
  const routes: Route[] = [];
  const any = subnet.ip_version === 4 ? '0.0.0.0' : '::';
  if (subnet.gateway_ip) routes.push({ network: any, netmask: any, gateway: subnet.gateway_ip });
  for (const r of subnet.host_routes) {
    const { network, netmask } = splitCidr(r.destination);
    routes.push({ network, netmask, gateway: r.nexthop });
  }
  return routes;
}

const dnsOf = (subnet: SubnetFacts) => subnet.dns_nameservers.map((address) => ({ type: 'dns', address }));

/**
 * One address of a port as network_data.json describes it: DHCP when the subnet's DHCP serves it (what Nova
 * writes, and all a guest needs), static with netmask and routes when DHCP is off; DHCP too when the subnet is
 * unknown (a config drive is written from the instance's spec, which names only the subnet's id).
 */
function networkEntry(
  id: string,
  link: string,
  networkId: string,
  ip: Vif['fixed_ips'][number],
  subnet: SubnetFacts | undefined,
): Record<string, unknown> {
  const base = { id, link, network_id: networkId };
  if (ip.version === 4) {
    if (!subnet || subnet.enable_dhcp) return { ...base, type: 'ipv4_dhcp' };
  } else if (!subnet) return { ...base, type: 'ipv6_dhcp' };
  else if (subnet.ipv6_address_mode) return { ...base, type: `ipv6_${subnet.ipv6_address_mode}` };
  return {
    ...base,
    type: ip.version === 4 ? 'ipv4' : 'ipv6',
    ip_address: ip.ip_address,
    netmask: splitCidr(subnet.cidr).netmask,
    routes: routesOf(subnet),
    services: dnsOf(subnet),
  };
}

/** network_data.json: a link per port, a network per fixed IP on it, and the DNS servers of every subnet. */
export function networkData(vifs: readonly Vif[], subnets: ReadonlyMap<string, SubnetFacts>): Record<string, unknown> {
  const links: Record<string, unknown>[] = [];
  const networks: Record<string, unknown>[] = [];
  const services = new Map<string, { type: string; address: string }>();
  for (const vif of vifs) {
    const link = vif.devname ?? `tap${vif.id.slice(0, 11)}`;
    links.push({
      id: link,
      vif_id: vif.id,
      type: vif.type && LINK_TYPES.has(vif.type) ? vif.type : 'phy',
      mtu: vif.network.mtu ?? null,
      ethernet_mac_address: vif.address,
    });
    for (const ip of vif.fixed_ips) {
      const subnet = subnets.get(ip.subnet_id);
      networks.push(networkEntry(`network${networks.length}`, link, vif.network.id, ip, subnet));
      for (const s of subnet ? dnsOf(subnet) : []) services.set(s.address, s);
    }
  }
  return { links, networks, services: [...services.values()] };
}
