import { type AttrMap, type Validator, v } from './attributes.ts';
import { badRequest, invalidInput } from './errors.ts';
import { type Cidr, formatCidr, lastOf, maskOf, parseCidr, sizeOf } from './ip-math.ts';
import { STANDARD_ATTRS, standardView } from './standard-attrs.ts';
import { cidrOf } from './subnet-rules.ts';
import type { AddressScopeRow, SubnetPoolRow } from './tables.ts';

/**
 * A pool prefix: Neutron's validate_subnet takes `10.11.12.13/24` (host bits and all, as netaddr prints it) and
 * the pool keeps its network, 10.11.12.0/24; only a short or prefix-less form is refused.
 */
const prefixValidator: Validator = (value, name) => {
  const text = typeof value === 'string' ? value : '';
  const c = parseCidr(text);
  if (!c || !text.includes('/')) throw invalidInput(name, `'${String(value)}' is not a valid IP subnet`);
  return formatCidr(c);
};

export const SUBNETPOOL_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { parse: v.string(255), post: true, put: true, required: true, filter: true, sort: true },
  prefixes: { parse: v.list(prefixValidator), post: true, put: true, required: true },
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
    // Neutron shows the prefix lengths as strings.
    default_prefixlen: String(row.default_prefixlen),
    min_prefixlen: String(row.min_prefixlen),
    max_prefixlen: String(row.max_prefixlen),
    shared: Boolean(row.shared),
    is_default: Boolean(row.is_default),
    address_scope_id: row.address_scope_id,
    default_quota: row.default_quota,
  };
}

export function addressScopeView(row: AddressScopeRow, tags: string[]): Record<string, unknown> {
  return { ...standardView(row, tags), name: row.name, ip_version: row.ip_version, shared: Boolean(row.shared) };
}

/**
 * One IP version for all, compacted as Neutron's IPSet does: prefixes inside another are dropped and adjacent
 * halves merge (10.0.0.0/24 + 10.0.1.0/24 → 10.0.0.0/23), sorted.
 */
export function compactPrefixes(prefixes: string[]): { version: 4 | 6; prefixes: string[] } {
  if (prefixes.length === 0) throw badRequest('Empty subnet pool prefix list.', 'EmptySubnetPoolPrefixList');
  const cidrs = prefixes.map(cidrOf);
  const version = cidrs[0].version;
  if (cidrs.some((c) => c.version !== version))
    throw badRequest('Cannot mix IPv4 and IPv6 prefixes in a subnet pool.', 'PrefixVersionMismatch');
  return { version, prefixes: compactCidrs(cidrs).map(formatCidr) };
}

function compactCidrs(input: Cidr[]): Cidr[] {
  let cidrs = input;
  for (;;) {
    const kept = cidrs
      .filter((c, i) => !cidrs.some((o, j) => j !== i && covers(o, c) && (o.prefixlen < c.prefixlen || j < i)))
      .sort((a, b) => (a.network < b.network ? -1 : a.network > b.network ? 1 : 0));
    const merged: Cidr[] = [];
    let changed = false;
    for (const c of kept) {
      const prev = merged.at(-1);
      if (
        prev &&
        prev.prefixlen === c.prefixlen &&
        c.prefixlen > 0 &&
        (prev.network & maskOf(c.version, c.prefixlen - 1)) === prev.network &&
        prev.network + sizeOf(prev) === c.network
      ) {
        merged[merged.length - 1] = { ...prev, prefixlen: c.prefixlen - 1 };
        changed = true;
      } else merged.push(c);
    }
    if (!changed) return merged;
    cidrs = merged;
  }
}

/** Whether `outer` holds all of `inner`. */
export function covers(outer: Cidr, inner: Cidr): boolean {
  return outer.version === inner.version && outer.network <= inner.network && lastOf(inner) <= lastOf(outer);
}

/** Whether any prefix of one (compacted) list overlaps any of the other. */
export function prefixesIntersect(a: string[], b: string[]): boolean {
  return a.some((x) =>
    b.some((y) => {
      const [c, d] = [cidrOf(x), cidrOf(y)];
      return c.version === d.version && c.network <= lastOf(d) && d.network <= lastOf(c);
    }),
  );
}

/** Neutron's prefix update: the new list replaces the old, and must hold all of it. */
export function checkPrefixesGrow(before: string[], after: string[]): void {
  const compact = after.map(cidrOf);
  if (!before.map(cidrOf).every((old) => compact.some((c) => covers(c, old))))
    throw badRequest(
      'Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes.',
      'IllegalSubnetPoolPrefixUpdate',
    );
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
