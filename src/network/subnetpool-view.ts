import { type AttrMap, v } from './attributes.ts';
import { badRequest } from './errors.ts';
import { formatCidr, lastOf } from './ip-math.ts';
import { STANDARD_ATTRS, standardView } from './standard-attrs.ts';
import { cidrOf } from './subnet-rules.ts';
import { cidrValidator } from './subnet-view.ts';
import type { AddressScopeRow, SubnetPoolRow } from './tables.ts';

export const SUBNETPOOL_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { parse: v.string(255), post: true, put: true, required: true, filter: true, sort: true },
  prefixes: { parse: v.list(cidrValidator), post: true, put: true, required: true },
  default_prefixlen: { parse: v.integer(0, 128), post: true, put: true, filter: true, sort: true },
  min_prefixlen: { parse: v.integer(0, 128), post: true, put: true, filter: true, sort: true },
  max_prefixlen: { parse: v.integer(0, 128), post: true, put: true, filter: true, sort: true },
  shared: { parse: v.boolean(), post: true, default: false, filter: true, sort: true },
  is_default: { parse: v.boolean(), post: true, put: true, default: false, filter: true, sort: true },
  address_scope_id: { parse: v.nullable(v.uuid()), post: true, put: true, filter: true, sort: true },
  default_quota: { parse: v.nullable(v.integer(0)), post: true, put: true, filter: true, sort: true },
  ip_version: { parse: (x, n) => Number(v.oneOf(4, 6, '4', '6')(x, n)), filter: true, sort: true },
};

export const ADDRESS_SCOPE_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { parse: v.string(255), post: true, put: true, required: true, filter: true, sort: true },
  ip_version: {
    parse: (x, n) => Number(v.oneOf(4, 6, '4', '6')(x, n)),
    post: true,
    required: true,
    filter: true,
    sort: true,
  },
  shared: { parse: v.boolean(), post: true, put: true, default: false, filter: true, sort: true },
};

export function subnetPoolView(row: SubnetPoolRow, prefixes: string[], tags: string[]): Record<string, unknown> {
  return {
    ...standardView(row, tags),
    name: row.name,
    ip_version: row.ip_version,
    prefixes,
    default_prefixlen: row.default_prefixlen,
    min_prefixlen: row.min_prefixlen,
    max_prefixlen: row.max_prefixlen,
    shared: Boolean(row.shared),
    is_default: Boolean(row.is_default),
    address_scope_id: row.address_scope_id,
    default_quota: row.default_quota,
  };
}

export function addressScopeView(row: AddressScopeRow, tags: string[]): Record<string, unknown> {
  return { ...standardView(row, tags), name: row.name, ip_version: row.ip_version, shared: Boolean(row.shared) };
}

/** One IP version for all; prefixes inside another are dropped (Neutron compacts the list). */
export function compactPrefixes(prefixes: string[]): { version: 4 | 6; prefixes: string[] } {
  if (prefixes.length === 0) throw badRequest('Empty subnet pool prefix list.', 'EmptySubnetPoolPrefixList');
  const cidrs = prefixes.map(cidrOf);
  const version = cidrs[0].version;
  if (cidrs.some((c) => c.version !== version))
    throw badRequest('Cannot mix IPv4 and IPv6 prefixes in a subnet pool.', 'PrefixVersionMismatch');
  const kept = cidrs.filter(
    (c, i) =>
      !cidrs.some(
        (o, j) =>
          j !== i &&
          o.network <= c.network &&
          lastOf(c) <= lastOf(o) &&
          (o.prefixlen < c.prefixlen || (o.prefixlen === c.prefixlen && j < i)),
      ),
  );
  kept.sort((a, b) => (a.network < b.network ? -1 : a.network > b.network ? 1 : 0));
  return { version, prefixes: kept.map(formatCidr) };
}

/** Neutron's prefix bounds: min ≤ default ≤ max ≤ the version's width. */
export function checkBounds(version: 4 | 6, min: number, max: number, def: number): void {
  const width = version === 4 ? 32 : 128;
  const illegal = (type: string, len: number, base: string, baseLen: number) =>
    badRequest(`Illegal prefix bounds: ${type}=${len}, ${base}=${baseLen}.`, 'IllegalSubnetPoolPrefixBounds');
  if (min > max) throw illegal('min_prefixlen', min, 'max_prefixlen', max);
  if (max > width) throw illegal('max_prefixlen', max, 'ip_version_max', width);
  if (def < min) throw illegal('default_prefixlen', def, 'min_prefixlen', min);
  if (def > max) throw illegal('default_prefixlen', def, 'max_prefixlen', max);
}
