import { type AttrMap, type Validator, v } from './attributes.ts';
import { badRequest, invalidInput } from './errors.ts';
import { canonicalIp, formatCidr, parseCidr } from './ip-math.ts';
import { type FixedIp, fixedIpsOf } from './ipam.ts';
import { STANDARD_ATTRS, standardView } from './standard-attrs.ts';
import { tagsOf } from './store/tags.ts';
import type { NetworkDb, PortRow } from './tables.ts';

function entries(keys: Record<string, { parse: Validator; required?: boolean }>): Validator {
  return (value, name) => {
    const d = v.dict()(value, name) as Record<string, unknown>;
    const extra = Object.keys(d).filter((k) => !(k in keys));
    if (extra.length) throw invalidInput(name, `Unrecognized attribute(s) '${extra.join(', ')}'`);
    const out: Record<string, unknown> = {};
    for (const [k, spec] of Object.entries(keys)) {
      if (k in d) out[k] = spec.parse(d[k], name);
      else if (spec.required) throw invalidInput(name, `Missing key '${k}'`);
    }
    return out;
  };
}

const ip: Validator = (value, name) => {
  const c = typeof value === 'string' ? canonicalIp(value) : undefined;
  if (!c) throw invalidInput(name, `'${String(value)}' is not a valid IP address`);
  return c;
};

/** Allowed address pairs take an address or a CIDR. */
const ipOrCidr: Validator = (value, name) => {
  if (typeof value === 'string' && value.includes('/')) {
    const c = parseCidr(value);
    if (!c) throw invalidInput(name, `'${value}' is not a valid IP subnet`);
    return formatCidr(c);
  }
  return ip(value, name);
};

/**
 * neutron-lib's allowed-address-pairs validator, in its order: a pair without `ip_address` and a repeated pair have
 * exception types of their own (clients match on them); other faults are plain 400s.
 */
const addressPairs: Validator = (value, name) => {
  if (!Array.isArray(value)) throw badRequest('Allowed address pairs must be a list.');
  const pair = entries({ ip_address: { parse: ipOrCidr }, mac_address: { parse: v.mac() } });
  const seen = new Set<string>();
  return value.map((item) => {
    const d = v.dict()(item, name) as Record<string, unknown>;
    if ('mac_address' in d) v.mac()(d.mac_address, name);
    if (!('ip_address' in d))
      throw badRequest('AllowedAddressPair must contain ip_address', 'AllowedAddressPairsMissingIP');
    const key = JSON.stringify([d.mac_address ?? null, d.ip_address]);
    if (seen.has(key))
      throw badRequest(
        `Request contains duplicate address pair: mac_address ${d.mac_address ?? 'None'} ip_address ${String(d.ip_address)}.`,
        'DuplicateAddressPairInRequest',
      );
    seen.add(key);
    return pair(d, name);
  });
};

const DNS_NAME = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$/i;

export const PORT_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { parse: v.string(255), post: true, put: true, default: '', filter: true, sort: true },
  network_id: { parse: v.uuid(), post: true, required: true, filter: true, sort: true },
  admin_state_up: { parse: v.boolean(), post: true, put: true, default: true, filter: true, sort: true },
  mac_address: { parse: v.mac(), post: true, put: true, filter: true, sort: true },
  fixed_ips: {
    parse: v.list(entries({ subnet_id: { parse: v.uuid() }, ip_address: { parse: ip } })),
    post: true,
    put: true,
  },
  device_id: { parse: v.string(255), post: true, put: true, default: '', filter: true, sort: true },
  device_owner: { parse: v.string(255), post: true, put: true, default: '', filter: true, sort: true },
  status: { parse: v.string(16), filter: true, sort: true },
  security_groups: { parse: v.nullable(v.list(v.uuid(), { unique: true })), post: true, put: true },
  port_security_enabled: { parse: v.boolean(), post: true, put: true, filter: true },
  allowed_address_pairs: {
    parse: addressPairs,
    post: true,
    put: true,
  },
  extra_dhcp_opts: {
    parse: v.list(
      entries({
        opt_name: { parse: v.string(64), required: true },
        opt_value: { parse: v.nullable(v.string(255)) },
        ip_version: { parse: (x, n) => Number(v.oneOf(4, 6, '4', '6')(x, n)) },
      }),
    ),
    post: true,
    put: true,
  },
  dns_name: {
    parse: (x, n) => {
      const s = v.string(255)(x, n) as string;
      if (s !== '' && !DNS_NAME.test(s)) throw invalidInput(n, `'${s}' not a valid PQDN or FQDN`);
      return s;
    },
    post: true,
    put: true,
    default: '',
    filter: true,
  },
  dns_assignment: { parse: v.any() },
  'binding:host_id': { parse: v.string(255), post: true, put: true, filter: true, column: 'binding_host_id' },
  'binding:profile': { parse: v.nullable(v.dict()), post: true, put: true },
  'binding:vnic_type': {
    parse: v.oneOf(
      'normal',
      'direct',
      'macvtap',
      'baremetal',
      'direct-physical',
      'virtio-forwarder',
      'smart-nic',
      'vdpa',
      'remote-managed',
    ),
    post: true,
    put: true,
    filter: true,
    column: 'binding_vnic_type',
  },
  'binding:vif_type': { parse: v.string(64), filter: true, column: 'binding_vif_type' },
  'binding:vif_details': { parse: v.any() },
  propagate_uplink_status: { parse: v.boolean(), post: true, put: true },
  ip_allocation: { parse: v.any() },
  resource_request: { parse: v.any() },
};

/** Attributes with create/update rules of their own. */
export const GUARDED_PORT_ATTRS = [
  'device_owner',
  'mac_address',
  'fixed_ips',
  'port_security_enabled',
  'binding:host_id',
  'binding:profile',
  'binding:vnic_type',
  'allowed_address_pairs',
];
export const BINDING_ATTRS = ['binding:host_id', 'binding:vif_type', 'binding:vif_details', 'binding:profile'];

export interface PortExtras {
  tags: Map<string, string[]>;
  fixedIps: Map<string, FixedIp[]>;
  groups: Map<string, string[]>;
  pairs: Map<string, { ip_address: string; mac_address: string }[]>;
  dhcpOpts: Map<string, { opt_name: string; opt_value: string; ip_version: number }[]>;
}

/** Everything a page of ports shows besides its own columns, in a few queries. */
export async function portExtras(db: NetworkDb, ids: readonly string[]): Promise<PortExtras> {
  const none = ids.length === 0;
  const [tags, fixedIps, groups, pairs, opts] = await Promise.all([
    tagsOf(db, 'port', ids),
    fixedIpsOf(db, ids),
    none ? [] : db.selectFrom('port_security_group_bindings').selectAll().where('port_id', 'in', ids).execute(),
    none ? [] : db.selectFrom('port_allowed_address_pairs').selectAll().where('port_id', 'in', ids).execute(),
    none
      ? []
      : db.selectFrom('port_extra_dhcp_opts').selectAll().where('port_id', 'in', ids).orderBy('opt_name').execute(),
  ]);
  const group = <T extends { port_id: string }, U>(rows: T[], f: (r: T) => U) => {
    const m = new Map<string, U[]>();
    for (const r of rows) {
      const list = m.get(r.port_id);
      if (list) list.push(f(r));
      else m.set(r.port_id, [f(r)]);
    }
    return m;
  };
  return {
    tags,
    fixedIps,
    groups: group(groups, (r) => r.security_group_id),
    pairs: group(pairs, (r) => ({ ip_address: r.ip_address, mac_address: r.mac_address })),
    dhcpOpts: group(opts, (r) => ({ opt_name: r.opt_name, opt_value: r.opt_value, ip_version: r.ip_version })),
  };
}

/** Nearly every port stores `{}` here; skipping JSON.parse for it matters when a list builds 10,000 views. */
const parseDict = (text: string): unknown => (text === '{}' ? {} : JSON.parse(text));

/** The full view of a port (as an admin sees it); callers hide binding attributes per policy. */
export function buildPortView(dnsDomain: string, row: PortRow, x: PortExtras): Record<string, unknown> {
  const fixedIps = x.fixedIps.get(row.id) ?? [];
  return {
    ...standardView(row, x.tags.get(row.id) ?? []),
    name: row.name,
    network_id: row.network_id,
    admin_state_up: Boolean(row.admin_state_up),
    mac_address: row.mac_address,
    fixed_ips: fixedIps,
    device_id: row.device_id,
    device_owner: row.device_owner,
    status: row.status,
    security_groups: x.groups.get(row.id) ?? [],
    port_security_enabled: Boolean(row.port_security_enabled),
    allowed_address_pairs: x.pairs.get(row.id) ?? [],
    extra_dhcp_opts: x.dhcpOpts.get(row.id) ?? [],
    dns_name: row.dns_name,
    dns_assignment: fixedIps.map((f) => {
      const hostname = row.dns_name || `host-${f.ip_address.replaceAll('.', '-').replaceAll(':', '-')}`;
      return { ip_address: f.ip_address, hostname, fqdn: `${hostname}.${dnsDomain}` };
    }),
    'binding:host_id': row.binding_host_id,
    'binding:profile': parseDict(row.binding_profile),
    'binding:vif_type': row.binding_vif_type,
    'binding:vif_details': parseDict(row.binding_vif_details),
    'binding:vnic_type': row.binding_vnic_type,
    propagate_uplink_status: Boolean(row.propagate_uplink_status),
    ip_allocation: 'immediate',
    resource_request: null,
  };
}
