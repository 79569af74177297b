import { ApiError } from '../core/errors.ts';
import { badRequest, conflict } from './errors.ts';
import { type Cidr, contains, formatCidr, formatIp, lastOf, parseCidr, parseIp } from './ip-math.ts';

/**
 * Neutron's subnet validation: gateway, allocation pools, IPv6 address modes. Shared by create and update, which
 * both call these with the subnet's would-be state.
 */
export interface Pool {
  start: string;
  end: string;
}

const invalid = (message: string) => badRequest(`Invalid input for operation: ${message}.`, 'InvalidInput');

/** The default pools: the whole range less the network address, IPv4's broadcast and the gateway. */
export function defaultPools(cidr: Cidr, gateway: string | null): Pool[] {
  const first = cidr.network;
  const last = lastOf(cidr);
  if (first === last) return [{ start: formatIp(cidr.version, first), end: formatIp(cidr.version, last) }];
  const lo = first + 1n;
  const hi = cidr.version === 4 ? last - 1n : last;
  if (lo >= hi) return [];
  const gw = gateway ? parseIp(gateway)?.value : undefined;
  const ranges: [bigint, bigint][] =
    gw !== undefined && gw >= lo && gw <= hi
      ? [
          [lo, gw - 1n],
          [gw + 1n, hi],
        ]
      : [[lo, hi]];
  return ranges
    .filter(([a, b]) => a <= b)
    .map(([a, b]) => ({ start: formatIp(cidr.version, a), end: formatIp(cidr.version, b) }));
}

/** The gateway may be outside the subnet (Neutron allows it); inside, not IPv4's network or broadcast address. */
export function checkGateway(cidr: Cidr, gateway: string | null): void {
  if (gateway === null) return;
  const ip = parseIp(gateway);
  if (!ip || ip.version !== cidr.version)
    throw invalid(`${gateway} is not a valid IPv${cidr.version} address for gateway_ip`);
  if (cidr.version === 4 && contains(cidr, 4, ip.value) && cidr.prefixlen < 31) {
    if (ip.value === cidr.network || ip.value === lastOf(cidr)) throw invalid('Gateway is not valid on subnet');
  }
}

/** Pools must lie in the subnet, be ordered, not overlap one another, and not hold the gateway. */
export function checkPools(cidr: Cidr, pools: Pool[], gateway: string | null): void {
  const ranges = pools.map((p) => {
    const [a, b] = [parseIp(p.start), parseIp(p.end)];
    const text = `${p.start}-${p.end}`;
    if (!a || !b || a.version !== cidr.version || b.version !== cidr.version)
      throw badRequest(`The allocation pool ${text} is not valid.`, 'InvalidAllocationPool');
    if (!contains(cidr, a.version, a.value) || !contains(cidr, b.version, b.value))
      throw badRequest(
        `The allocation pool ${text} spans beyond the subnet cidr ${formatCidr(cidr)}.`,
        'OutOfBoundsAllocationPool',
      );
    if (a.value > b.value) throw badRequest(`The allocation pool ${text} is not valid.`, 'InvalidAllocationPool');
    const reserved =
      cidr.version === 4 && cidr.prefixlen < 31 && (a.value === cidr.network || b.value === lastOf(cidr));
    if (reserved) throw badRequest(`The allocation pool ${text} is not valid.`, 'InvalidAllocationPool');
    return { text, a: a.value, b: b.value };
  });
  for (let i = 0; i < ranges.length; i++)
    for (let j = i + 1; j < ranges.length; j++)
      if (ranges[i].a <= ranges[j].b && ranges[j].a <= ranges[i].b)
        throw badRequest(
          `Found overlapping allocation pools: ${ranges[i].text} and ${ranges[j].text} for subnet ${formatCidr(cidr)}.`,
          'OverlappingAllocationPools',
        );
  const gw = gateway ? parseIp(gateway)?.value : undefined;
  const holding = gw === undefined ? undefined : ranges.find((r) => gw >= r.a && gw <= r.b);
  if (holding)
    throw conflict(
      'GatewayConflictWithAllocationPools',
      `Gateway ip ${gateway} conflicts with allocation pool ${holding.text}.`,
    );
}

export interface Ipv6Modes {
  ip_version: number;
  cidr: Cidr;
  enable_dhcp: boolean;
  ipv6_ra_mode: string | null;
  ipv6_address_mode: string | null;
}

/** Neutron's _validate_ipv6_attributes and friends. */
export function checkIpv6Modes(s: Ipv6Modes): void {
  const ra = s.ipv6_ra_mode;
  const addr = s.ipv6_address_mode;
  if (s.ip_version === 4) {
    if (ra) throw invalid('ipv6_ra_mode is not valid when ip_version is 4');
    if (addr) throw invalid('ipv6_address_mode is not valid when ip_version is 4');
    return;
  }
  if ((ra || addr) && !s.enable_dhcp)
    throw invalid('ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False');
  if (ra && addr && ra !== addr)
    throw invalid(
      `ipv6_ra_mode set to '${ra}' with ipv6_address_mode set to '${addr}' is not valid. If both attributes are set, they must be the same value`,
    );
  if ((isAutoAddress(addr) || isAutoAddress(ra)) && s.cidr.prefixlen !== 64)
    throw invalid(
      `Invalid CIDR ${formatCidr(s.cidr)} for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64`,
    );
}

/** SLAAC and DHCPv6-stateless subnets: hosts form their own addresses from their MAC (EUI-64). */
export function isAutoAddress(mode: string | null | undefined): boolean {
  return mode === 'slaac' || mode === 'dhcpv6-stateless';
}

/** The subnet's CIDR, which was validated on the way in. */
export function cidrOf(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new ApiError(500, 'InternalError', `stored CIDR ${text} does not parse`);
  return c;
}

export function checkOverlap(cidr: Cidr, networkId: string, others: { cidr: string }[]): void {
  for (const o of others) {
    const c = cidrOf(o.cidr);
    if (c.version === cidr.version && c.network <= lastOf(cidr) && cidr.network <= lastOf(c))
      throw invalid(
        `Requested subnet with cidr: ${formatCidr(cidr)} for network: ${networkId} overlaps with another subnet`,
      );
  }
}

/** Host route next hops and name servers are addresses of the subnet's IP version. */
export function checkVersions(version: number, dns: string[], routes: { destination: string; nexthop: string }[]) {
  for (const d of dns)
    if (parseIp(d)?.version !== version) throw invalid(`${d} is not a valid IPv${version} address for dns_nameservers`);
  for (const r of routes)
    if (parseIp(r.nexthop)?.version !== version || parseCidr(r.destination)?.version !== version)
      throw invalid(`host_routes ${r.destination} via ${r.nexthop} does not match the subnet's IP version ${version}`);
}
