import { formatIp, maskOf, parseCidr } from '../../ip-math.ts';
import type { DhcpSpec, DhcpSubnetSpec } from '../dataplane.ts';
import { dhcpDeviceName } from './names.ts';

/**
 * What dnsmasq is given for one network: its command line (what needs a restart to change) and the hosts and
 * options files (re-read on SIGHUP). Addresses are only ever the ports' fixed IPs (`static` ranges), so a
 * guest gets the address the API shows or none.
 */
export const LEASE_SECONDS = 86400;
export const METADATA_IP = '169.254.169.254';
const DOMAIN = 'openstacklocal';

export interface DnsmasqFiles {
  dir: string;
  pidFile: string;
  hostsFile: string;
  optsFile: string;
  leaseFile: string;
  logFile: string;
}

export function dnsmasqFiles(dir: string): DnsmasqFiles {
  return {
    dir,
    pidFile: `${dir}/dnsmasq.pid`,
    hostsFile: `${dir}/host`,
    optsFile: `${dir}/opts`,
    leaseFile: `${dir}/leases`,
    logFile: `${dir}/dnsmasq.log`,
  };
}

/** IPv4 subnets dnsmasq serves (IPv6 address modes are not part of the spec yet, so v6 gets none). */
export const servedSubnets = (spec: DhcpSpec): DhcpSubnetSpec[] =>
  spec.subnets.filter((s) => s.enable_dhcp && s.ip_version === 4);

export function dnsmasqArgs(spec: DhcpSpec, files: DnsmasqFiles): string[] {
  const port = spec.dhcp_port;
  if (!port) throw new Error(`network ${spec.network.id} has no DHCP port`);
  const ranges = servedSubnets(spec).map((s) => {
    const c = parseCidr(s.cidr);
    if (!c) throw new Error(`bad subnet CIDR ${s.cidr}`);
    return `--dhcp-range=set:subnet-${s.id},${formatIp(4, c.network)},static,${formatIp(4, maskOf(4, c.prefixlen))},${LEASE_SECONDS}s`;
  });
  return [
    '--no-hosts',
    '--no-resolv',
    // DHCP only: DNS (port 53) is not offered from the DHCP namespace; subnets' dns_nameservers are handed out.
    '--port=0',
    '--conf-file=/dev/null',
    // Root, so the lease, pid and log files under the data directory stay writable after a SIGHUP.
    '--user=root',
    '--group=root',
    `--pid-file=${files.pidFile}`,
    `--dhcp-hostsfile=${files.hostsFile}`,
    `--dhcp-optsfile=${files.optsFile}`,
    `--dhcp-leasefile=${files.leaseFile}`,
    `--log-facility=${files.logFile}`,
    '--log-dhcp',
    '--bind-interfaces',
    `--interface=${dhcpDeviceName(port.id)}`,
    '--except-interface=lo',
    '--dhcp-authoritative',
    `--dhcp-lease-max=${Math.max(16, spec.hosts.length * 2)}`,
    `--domain=${DOMAIN}`,
    ...ranges,
  ];
}

/** dhcp-hostsfile: one `mac,name,ip` line per port with an address on a served subnet. */
export function hostsFile(spec: DhcpSpec): string {
  const served = servedSubnets(spec).map((s) => parseCidr(s.cidr));
  const onServed = (ip: string) => {
    const c = parseCidr(ip);
    return c && served.some((s) => s && s.version === c.version && (c.network & maskOf(4, s.prefixlen)) === s.network);
  };
  return spec.hosts
    .filter((h) => !h.ip_address.includes(':') && onServed(h.ip_address))
    .map((h) => `${h.mac_address.toLowerCase()},${hostLabel(h.hostname)}.${DOMAIN},${h.ip_address}\n`)
    .join('');
}

/**
 * dhcp-optsfile: per subnet router, DNS servers, MTU (26) and classless static routes (121, and 249 for old
 * Windows clients). A client given option 121 ignores option 3, so 121 repeats the default route, and carries
 * the metadata address via the DHCP port (whose namespace answers it).
 */
export function optsFile(spec: DhcpSpec): string {
  const lines: string[] = [];
  for (const s of servedSubnets(spec)) {
    const tag = `tag:subnet-${s.id}`;
    const dhcpIp = spec.dhcp_port?.fixed_ips.find((f) => f.subnet_id === s.id)?.ip_address;
    lines.push(s.gateway_ip ? `${tag},option:router,${s.gateway_ip}` : `${tag},option:router`);
    if (s.dns_nameservers.length) lines.push(`${tag},option:dns-server,${s.dns_nameservers.join(',')}`);
    lines.push(`${tag},option:mtu,${spec.network.mtu}`);
    const routes: string[] = [];
    if (dhcpIp) routes.push(`${METADATA_IP}/32`, dhcpIp);
    for (const r of s.host_routes) if (!r.destination.includes(':')) routes.push(r.destination, r.nexthop);
    if (s.gateway_ip && !s.host_routes.some((r) => r.destination === '0.0.0.0/0'))
      routes.push('0.0.0.0/0', s.gateway_ip);
    if (routes.length) {
      lines.push(`${tag},option:classless-static-route,${routes.join(',')}`);
      lines.push(`${tag},249,${routes.join(',')}`);
    }
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** A DNS label dnsmasq accepts (letters, digits, hyphens; no leading or trailing hyphen). */
function hostLabel(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return label || 'host';
}
