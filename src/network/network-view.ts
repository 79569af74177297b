import type { FastifyRequest } from 'fastify';
import { hideAttributes } from './access.ts';
import { type AttrMap, v } from './attributes.ts';
import { STANDARD_ATTRS, standardView } from './standard-attrs.ts';
import type { NetworkRow } from './tables.ts';

/** The network resource's attributes (Neutron's network attribute map with the extensions Strata offers). */
export const NETWORK_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { parse: v.string(255), post: true, put: true, default: '', filter: true, sort: true },
  admin_state_up: { parse: v.boolean(), post: true, put: true, default: true, filter: true, sort: true },
  status: { parse: v.string(16), filter: true, sort: true },
  shared: { parse: v.boolean(), post: true, put: true, default: false, filter: true, sort: true },
  'router:external': {
    parse: v.boolean(),
    post: true,
    put: true,
    default: false,
    filter: true,
    sort: true,
    column: 'external',
  },
  mtu: { parse: v.integer(68), post: true, put: true, filter: true, sort: true },
  port_security_enabled: { parse: v.boolean(), post: true, put: true, default: true, filter: true },
  availability_zone_hints: { parse: v.list(v.string(255)), post: true, default: [] },
  dns_domain: { parse: v.string(255), post: true, put: true, default: '', filter: true },
  vlan_transparent: { parse: v.boolean(), post: true, default: false, filter: true },
  'provider:network_type': { parse: v.string(32), post: true, put: true, filter: true, column: 'network_type' },
  'provider:physical_network': {
    parse: v.nullable(v.string(64)),
    post: true,
    put: true,
    filter: true,
    column: 'physical_network',
  },
  'provider:segmentation_id': {
    parse: v.nullable(v.integer()),
    post: true,
    put: true,
    filter: true,
    column: 'segmentation_id',
  },
  subnets: { parse: v.any() },
  availability_zones: { parse: v.any() },
  ipv4_address_scope: { parse: v.any() },
  ipv6_address_scope: { parse: v.any() },
  l2_adjacency: { parse: v.any() },
};

export const PROVIDER_ATTRS = ['provider:network_type', 'provider:physical_network', 'provider:segmentation_id'];
/** Attributes with create/update rules of their own (create_network:shared, ...). */
export const GUARDED_NETWORK_ATTRS = ['shared', 'router:external', ...PROVIDER_ATTRS, 'port_security_enabled'];

export interface NetworkExtras {
  tags: readonly string[];
  subnets: readonly string[];
  /** Shared with the viewer's project by RBAC (Neutron shows `shared` per viewer). */
  sharedWithViewer: boolean;
}

/** The network as GET /v2.0/networks/{id} shows it to anyone (before per-caller hiding). */
export function networkView(row: NetworkRow, extras: NetworkExtras): Record<string, unknown> {
  return {
    ...standardView(row, extras.tags),
    name: row.name,
    admin_state_up: Boolean(row.admin_state_up),
    status: row.status,
    shared: Boolean(row.shared) || extras.sharedWithViewer,
    'router:external': Boolean(row.external),
    mtu: row.mtu,
    port_security_enabled: Boolean(row.port_security_enabled),
    availability_zone_hints: JSON.parse(row.availability_zone_hints),
    availability_zones: ['nova'],
    dns_domain: row.dns_domain,
    vlan_transparent: Boolean(row.vlan_transparent),
    'provider:network_type': row.network_type,
    'provider:physical_network': row.physical_network || null,
    'provider:segmentation_id': row.segmentation_id,
    subnets: [...extras.subnets],
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    l2_adjacency: true,
  };
}

/** What this caller may see of it: provider attributes are admin-only (`get_network:provider:*`). */
export function networkViewFor(req: FastifyRequest, row: NetworkRow, extras: NetworkExtras): Record<string, unknown> {
  return hideAttributes(req, 'network', networkView(row, extras), PROVIDER_ATTRS);
}
