import type { FastifyRequest } from 'fastify';
import { hideAttributes } from './access.ts';
import { type AttrMap, type Validator, v } from './attributes.ts';
import { invalidInput } from './errors.ts';
import { STANDARD_ATTRS, standardView } from './standard-attrs.ts';
import type { RouterRow } from './tables.ts';

export interface FixedIp {
  subnet_id: string;
  ip_address: string;
}

export interface GatewayInfo {
  network_id: string;
  enable_snat?: boolean;
  external_fixed_ips?: { subnet_id?: string; ip_address?: string }[];
}

export interface Route {
  destination: string;
  nexthop: string;
}

/** Neutron's `type:fixed_ips` items: `{subnet_id?, ip_address?}`, at least one of them. */
export const fixedIpList: Validator = (value, name) => {
  if (!Array.isArray(value)) throw invalidInput(name, `'${JSON.stringify(value)}' is not a list`);
  return value.map((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      throw invalidInput(name, `'${JSON.stringify(item)}' is not a dictionary`);
    const out: { subnet_id?: string; ip_address?: string } = {};
    for (const [k, val] of Object.entries(item)) {
      if (k === 'subnet_id') out.subnet_id = v.uuid()(val, name) as string;
      else if (k === 'ip_address') out.ip_address = v.ip()(val, name) as string;
      else throw invalidInput(name, `Unrecognized attribute(s) '${k}'`);
    }
    return out;
  });
};

/** external_gateway_info: null, or a dict with network_id and optionally enable_snat and external_fixed_ips. */
const gatewayInfo: Validator = (value, name) => {
  if (value === null) return null;
  const d = v.dict()(value, name) as Record<string, unknown>;
  // Clients clear the gateway with `{}` as well as with null.
  if (Object.keys(d).length === 0) return null;
  const expected = ['network_id', 'enable_snat', 'external_fixed_ips'];
  const extra = Object.keys(d).filter((k) => !expected.includes(k));
  if (extra.length > 0 || !('network_id' in d))
    throw invalidInput(
      name,
      `Validation of dictionary's keys failed. Expected keys: {'network_id'} Provided keys: {${Object.keys(d)
        .map((k) => `'${k}'`)
        .join(', ')}}`,
    );
  const out: GatewayInfo = { network_id: v.uuid()(d.network_id, name) as string };
  if ('enable_snat' in d) out.enable_snat = v.boolean()(d.enable_snat, name) as boolean;
  if ('external_fixed_ips' in d) out.external_fixed_ips = fixedIpList(d.external_fixed_ips, name) as FixedIp[];
  return out;
};

/** `routes`: null is an empty list; each route exactly {destination, nexthop}. */
const routeList: Validator = (value, name) => {
  if (value === null) return [];
  const items = v.list(v.dict())(value, name) as Record<string, unknown>[];
  const seen = new Set<string>();
  return items.map((r) => {
    const keys = Object.keys(r).sort().join(',');
    if (keys !== 'destination,nexthop')
      throw invalidInput(name, `Validation of dictionary's keys failed. Expected keys: {'destination', 'nexthop'}`);
    const route = { destination: r.destination, nexthop: v.ip()(r.nexthop, name) } as Route;
    const key = JSON.stringify(route);
    if (seen.has(key)) throw invalidInput(name, `Duplicate hostroute '${key}'`);
    seen.add(key);
    return route;
  });
};

export const ROUTER_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { parse: v.string(255), post: true, put: true, default: '', filter: true, sort: true },
  admin_state_up: { parse: v.boolean(), post: true, put: true, default: true, filter: true, sort: true },
  status: { parse: v.string(16), filter: true, sort: true },
  external_gateway_info: { parse: gatewayInfo, post: true, put: true, default: null },
  routes: { parse: routeList, put: true },
  distributed: { parse: v.boolean(), post: true, put: true, filter: true },
  ha: { parse: v.boolean(), post: true, put: true, filter: true },
  availability_zone_hints: { parse: v.list(v.string(255)), post: true, default: [] },
  availability_zones: { parse: v.any() },
  flavor_id: { parse: v.nullable(v.uuid()), post: true, filter: true },
};

/** Attributes with rules of their own (`create_router:ha`, `get_router:distributed`). */
export const ADMIN_ROUTER_ATTRS = ['distributed', 'ha'];

export interface RouterExtras {
  tags: readonly string[];
  /** Fixed IPs of the gateway port. */
  gatewayIps: readonly FixedIp[];
}

export function routerView(row: RouterRow, extras: RouterExtras): Record<string, unknown> {
  const gateway = row.gw_network_id
    ? {
        network_id: row.gw_network_id,
        enable_snat: Boolean(row.enable_snat),
        external_fixed_ips: extras.gatewayIps.map((ip) => ({ subnet_id: ip.subnet_id, ip_address: ip.ip_address })),
      }
    : null;
  return {
    ...standardView(row, extras.tags),
    name: row.name,
    admin_state_up: Boolean(row.admin_state_up),
    status: row.status,
    external_gateway_info: gateway,
    routes: JSON.parse(row.routes),
    distributed: Boolean(row.distributed),
    ha: Boolean(row.ha),
    availability_zone_hints: JSON.parse(row.availability_zone_hints),
    availability_zones: ['nova'],
    flavor_id: row.flavor_id,
  };
}

export function routerViewFor(req: FastifyRequest, row: RouterRow, extras: RouterExtras): Record<string, unknown> {
  return hideAttributes(req, 'router', routerView(row, extras), ADMIN_ROUTER_ATTRS);
}
