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
    QuotaTables,
    AgentTables {}

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
export interface SubnetTables {
  subnets: SubnetRow;
  /** Ordered by `position` (the order the client gave). */
  subnet_allocation_pools: { subnet_id: string; first_ip: string; last_ip: string; position: number };
  subnet_dns_nameservers: { subnet_id: string; address: string; position: number };
  subnet_host_routes: { subnet_id: string; destination: string; nexthop: string };
  /** One row per address handed out; unique (subnet_id, ip_address) settles concurrent allocations. */
  ip_allocations: { subnet_id: string; ip_address: string; network_id: string; port_id: string | null };
  subnetpools: SubnetPoolRow;
  subnetpool_prefixes: { subnetpool_id: string; cidr: string };
  address_scopes: AddressScopeRow;
}

export interface SubnetRow extends StandardColumns {
  name: string;
  network_id: string;
  ip_version: number;
  /** Canonical (`10.0.0.0/24`, `2001:db8::/64`). */
  cidr: string;
  gateway_ip: string | null;
  enable_dhcp: number;
  ipv6_ra_mode: string | null;
  ipv6_address_mode: string | null;
  subnetpool_id: string | null;
  /** JSON list. */
  service_types: string;
  dns_publish_fixed_ip: number;
}

export interface SubnetPoolRow extends StandardColumns {
  name: string;
  ip_version: number;
  default_prefixlen: number;
  min_prefixlen: number;
  max_prefixlen: number;
  shared: number;
  is_default: number;
  address_scope_id: string | null;
  default_quota: number | null;
}

export interface AddressScopeRow extends StandardColumns {
  name: string;
  ip_version: number;
  shared: number;
}

// ---- ports (0003-ports) ----
export interface PortTables {
  ports: PortRow;
  port_allowed_address_pairs: { port_id: string; ip_address: string; mac_address: string };
  port_extra_dhcp_opts: { port_id: string; opt_name: string; opt_value: string; ip_version: number };
  port_security_group_bindings: { port_id: string; security_group_id: string };
}

/** A port; its binding (host, VIF type) lives in the same row. Fixed IPs are `ip_allocations` rows. */
export interface PortRow extends StandardColumns {
  name: string;
  network_id: string;
  /** Unique per network. */
  mac_address: string;
  admin_state_up: number;
  status: string;
  device_id: string;
  device_owner: string;
  port_security_enabled: number;
  dns_name: string;
  propagate_uplink_status: number;
  binding_host_id: string;
  binding_vif_type: string;
  /** JSON object. */
  binding_vif_details: string;
  binding_vnic_type: string;
  /** JSON object. */
  binding_profile: string;
}

// ---- routers, floating IPs, port forwardings (0004-routers) ----
export interface RouterTables {
  routers: RouterRow;
  floatingips: FloatingIpRow;
  port_forwardings: PortForwardingRow;
}

/** A router; its interfaces are the ports whose device_id is the router (device_owner network:router_interface). */
export interface RouterRow extends StandardColumns {
  name: string;
  admin_state_up: number;
  status: string;
  /** The gateway port on the external network, or null without a gateway. */
  gw_port_id: string | null;
  gw_network_id: string | null;
  enable_snat: number;
  /** JSON list of {destination, nexthop} (extraroute). */
  routes: string;
  distributed: number;
  ha: number;
  /** JSON list. */
  availability_zone_hints: string;
  flavor_id: string | null;
}

export interface FloatingIpRow extends StandardColumns {
  floating_ip_address: string;
  floating_network_id: string;
  /** The port on the external network that holds the address (device_owner network:floatingip). */
  floating_port_id: string;
  /** Association: unique (floating_network_id, fixed_port_id, fixed_ip_address). */
  fixed_port_id: string | null;
  fixed_ip_address: string | null;
  router_id: string | null;
  status: string;
}

/** A floating IP's port forwarding; single ports are ranges with start = end. */
export interface PortForwardingRow {
  id: string;
  floatingip_id: string;
  internal_port_id: string;
  internal_ip_address: string;
  internal_port_start: number;
  internal_port_end: number;
  external_port_start: number;
  external_port_end: number;
  protocol: string;
  description: string;
}

// ---- security groups and rules (0005-security-groups) ----
export interface SecurityGroupTables {
  security_groups: SecurityGroupRow;
  security_group_rules: SecurityGroupRuleRow;
  /** One row per project that has its `default` group; the primary key on project_id settles races. */
  default_security_groups: { project_id: string; security_group_id: string };
}

export interface SecurityGroupRow extends StandardColumns {
  name: string;
  stateful: number;
}

export interface SecurityGroupRuleRow extends StandardColumns {
  security_group_id: string;
  /** 'ingress' | 'egress'. */
  direction: string;
  /** 'IPv4' | 'IPv6'. */
  ethertype: string;
  /** As given (name or number), null for any. */
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  /** Normalised CIDR, or null. */
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
  remote_address_group_id: string | null;
}

// ---- quotas, agents (0006-quotas-agents) ----
export interface QuotaTables {
  /** Limits an admin set for a project (0006-quotas); resources without a row have the configured default. */
  network_quotas: { project_id: string; resource: string; hard_limit: number };
  /** One row per project, locked by quota checks so parallel creates count one after the other. */
  network_quota_locks: { project_id: string };
}

// ---- agents (0007-agents) ----
export interface AgentTables {
  network_agents: AgentRow;
}

/** Timestamps here are Neutron's agent format, 'YYYY-MM-DD HH:MM:SS' (UTC), as the API shows them. */
export interface AgentRow {
  id: string;
  agent_type: string;
  binary: string;
  topic: string;
  host: string;
  availability_zone: string | null;
  admin_state_up: number;
  description: string;
  /** JSON object. */
  configurations: string;
  resources_synced: number | null;
  created_at: string;
  started_at: string;
  heartbeat_timestamp: string;
}
