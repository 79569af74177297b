import { type AttrMap, type Validator, v } from './attributes.ts';
import { invalidInput } from './errors.ts';
import { canonicalIp, formatCidr, isExactCidr, parseCidr } from './ip-math.ts';
import { STANDARD_ATTRS, standardView } from './standard-attrs.ts';
import type { SubnetRow } from './tables.ts';

const IPV6_MODES = ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac'] as const;

/** A CIDR as Neutron's validate_subnet accepts it (no host bits), in canonical text. */
export const cidrValidator: Validator = (value, name) => {
  const c = typeof value === 'string' ? parseCidr(value) : undefined;
  if (!c || !String(value).includes('/')) throw invalidInput(name, `'${String(value)}' is not a valid IP subnet`);
  if (!isExactCidr(value as string))
    throw invalidInput(name, `'${value}' isn't a recognized IP subnet cidr, '${formatCidr(c)}' is recommended`);
  return formatCidr(c);
};

/** An address in canonical text. */
export const ipValidator: Validator = (value, name) => {
  const ip = typeof value === 'string' ? canonicalIp(value) : undefined;
  if (!ip)
    throw invalidInput(
      name,
      `'${typeof value === 'string' ? value : JSON.stringify(value)}' is not a valid IP address`,
    );
  return ip;
};

function dictOf(keys: Record<string, Validator>): Validator {
  return (value, name) => {
    const d = v.dict()(value, name) as Record<string, unknown>;
    const extra = Object.keys(d).filter((k) => !(k in keys));
    if (extra.length) throw invalidInput(name, `Unrecognized attribute(s) '${extra.join(', ')}'`);
    const out: Record<string, unknown> = {};
    for (const [k, check] of Object.entries(keys)) {
      if (!(k in d))
        throw invalidInput(
          name,
          `Validation of dictionary's keys failed. Expected keys: {'${Object.keys(keys).join("', '")}'} Provided keys: {'${Object.keys(d).join("', '")}'}`,
        );
      out[k] = check(d[k], name);
    }
    return out;
  };
}

export const SUBNET_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { parse: v.string(255), post: true, put: true, default: '', filter: true, sort: true },
  network_id: { parse: v.uuid(), post: true, required: true, filter: true, sort: true },
  ip_version: {
    parse: (x, n) => Number(v.oneOf(4, 6, '4', '6')(x, n)),
    post: true,
    required: true,
    filter: true,
    sort: true,
  },
  cidr: { parse: cidrValidator, post: true, filter: true, sort: true },
  subnetpool_id: { parse: v.nullable(v.uuid()), post: true, filter: true, sort: true },
  prefixlen: { parse: v.integer(0, 128), post: true },
  use_default_subnetpool: { parse: v.boolean(), post: true },
  allocation_pools: { parse: v.list(dictOf({ start: ipValidator, end: ipValidator })), post: true, put: true },
  gateway_ip: { parse: v.nullable(ipValidator), post: true, put: true, filter: true, sort: true },
  dns_nameservers: { parse: v.list(ipValidator, { unique: true }), post: true, put: true, default: [] },
  host_routes: {
    parse: v.list(dictOf({ destination: cidrValidator, nexthop: ipValidator }), { unique: true }),
    post: true,
    put: true,
    default: [],
  },
  enable_dhcp: { parse: v.boolean(), post: true, put: true, default: true, filter: true, sort: true },
  ipv6_ra_mode: { parse: v.nullable(v.oneOf(...IPV6_MODES)), post: true, put: true, filter: true, sort: true },
  ipv6_address_mode: { parse: v.nullable(v.oneOf(...IPV6_MODES)), post: true, put: true, filter: true, sort: true },
  service_types: { parse: v.list(v.string(255)), post: true, put: true, default: [] },
  segment_id: { parse: v.nullable(v.uuid()), post: true, put: true, filter: true },
  dns_publish_fixed_ip: { parse: v.boolean(), post: true, put: true, default: false, filter: true },
};

export interface SubnetExtras {
  tags: readonly string[];
  pools: { start: string; end: string }[];
  dns: string[];
  routes: { destination: string; nexthop: string }[];
}

export function subnetView(row: SubnetRow, extras: SubnetExtras): Record<string, unknown> {
  return {
    ...standardView(row, extras.tags),
    name: row.name,
    network_id: row.network_id,
    ip_version: row.ip_version,
    cidr: row.cidr,
    subnetpool_id: row.subnetpool_id,
    allocation_pools: extras.pools,
    gateway_ip: row.gateway_ip,
    dns_nameservers: extras.dns,
    host_routes: extras.routes,
    enable_dhcp: Boolean(row.enable_dhcp),
    ipv6_ra_mode: row.ipv6_ra_mode,
    ipv6_address_mode: row.ipv6_address_mode,
    service_types: JSON.parse(row.service_types),
    segment_id: null,
    dns_publish_fixed_ip: Boolean(row.dns_publish_fixed_ip),
  };
}
