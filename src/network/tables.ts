import type { Kysely } from 'kysely';
import type { StandardColumns } from './standard-attrs.ts';

/**
 * The Network service's tables; only files under src/network name them. Each resource family keeps its rows'
 * shapes in its own section below. Booleans are integers (0/1), timestamps ISO-8601 text, lists JSON text.
 */
export interface NetworkTables
  extends CoreTables,
    SubnetTables,
    PortTables,
    RouterTables,
    SecurityGroupTables,
    QuotaTables {}

export type NetworkDb = Kysely<NetworkTables>;

// ---- networks, tags, RBAC (0001-networks) ----

export interface CoreTables {
  networks: NetworkRow;
  /** Tags of every resource: `resource_type` is the member name ('network', 'port', ...). */
  network_tags: { resource_type: string; resource_id: string; tag: string };
  network_rbacs: RbacRow;
}

export interface NetworkRow extends StandardColumns {
  name: string;
  admin_state_up: number;
  status: string;
  /** True when an RBAC policy shares it with every project ('*'); kept in step by the RBAC code. */
  shared: number;
  external: number;
  mtu: number;
  port_security_enabled: number;
  /** JSON list. */
  availability_zone_hints: string;
  dns_domain: string;
  network_type: string;
  /** '' when the type has none (vxlan, local); shown as null. */
  physical_network: string;
  segmentation_id: number | null;
  vlan_transparent: number;
}

export interface RbacRow extends Omit<StandardColumns, 'description' | 'revision_number'> {
  object_type: 'network' | 'qos_policy' | 'security_group' | 'address_scope' | 'subnetpool' | 'address_group';
  object_id: string;
  action: 'access_as_shared' | 'access_as_external';
  target_project: string;
}

// ---- subnets, subnet pools, address scopes, IP allocations (0002-subnets) ----
// biome-ignore lint/suspicious/noEmptyInterface: filled by the subnets work.
export interface SubnetTables {}

// ---- ports (0003-ports) ----
// biome-ignore lint/suspicious/noEmptyInterface: filled by the ports work.
export interface PortTables {}

// ---- routers, floating IPs, port forwardings (0004-routers) ----
// biome-ignore lint/suspicious/noEmptyInterface: filled by the routers work.
export interface RouterTables {}

// ---- security groups and rules (0005-security-groups) ----
// biome-ignore lint/suspicious/noEmptyInterface: filled by the security groups work.
export interface SecurityGroupTables {}

// ---- quotas, agents (0006-quotas-agents) ----
// biome-ignore lint/suspicious/noEmptyInterface: filled by the quotas work.
export interface QuotaTables {}
