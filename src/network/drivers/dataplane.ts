/**
 * The dataplane driver interface: what a host's network agent asks of the machine. The server resolves
 * everything (segments, fixed IPs with their subnets, security group rules with remote groups expanded) so a
 * driver never reads the database: it is handed the desired state and makes the host match it.
 *
 * Every method is idempotent ("ensure", not "create"): the agent re-sends state after restarts and on every
 * change, and a driver that already has it does nothing. Names a driver creates on the host carry the resource
 * id (`strata-<kind>-<id prefix>`) so `sync` can find and remove what nothing owns.
 *
 * Implementations: `noop` (records nothing, accepts everything); issue 6 adds `linux` (bridges, VXLAN,
 * namespaces, dnsmasq, nftables, a metadata proxy).
 */
export interface Dataplane {
  readonly name: string;
  /** One line for the start-up banner: what is active and why. */
  describe(): string;
  /** Prepares the host (its own namespace, base bridges); called once before the first sync. */
  start(host: string): Promise<void>;
  /** Releases what only this process needs (helpers it spawned); leaves tenant wiring in place. */
  stop(): Promise<void>;
  /** Agent `configurations` for the state reports (bridge mappings, tunnel types, counts...). */
  configurations(): Record<string, unknown>;

  /** Brings up the network's segment on this host (a bridge; a VXLAN or VLAN interface under it). */
  ensureNetwork(net: NetworkSpec): Promise<void>;
  removeNetwork(networkId: string): Promise<void>;

  /** Plugs (or re-plugs after a change) one VIF: the tap on its network, anti-spoofing, security groups. */
  plugPort(port: PortSpec): Promise<PlugResult>;
  unplugPort(port: { id: string; network_id?: string; mac_address?: string }): Promise<void>;
  /** Re-applies security groups only (a rule or membership changed). */
  updatePortFilter(port: PortSpec): Promise<void>;

  /** DHCP for a network's subnets: the server's port, ranges, and a hosts entry per port (dnsmasq). */
  ensureDhcp(dhcp: DhcpSpec): Promise<void>;
  removeDhcp(networkId: string): Promise<void>;

  /** A router: interfaces on tenant subnets, external gateway with SNAT, floating IP NAT, static routes. */
  ensureRouter(router: RouterSpec): Promise<void>;
  removeRouter(routerId: string): Promise<void>;

  /** 169.254.169.254 for a network (in its router or DHCP namespace), answering each instance with its own data. */
  ensureMetadataProxy(proxy: MetadataProxySpec): Promise<void>;
  removeMetadataProxy(networkId: string): Promise<void>;

  /**
   * Full reconciliation: the complete desired state of this host. The driver creates what is missing, repairs
   * what differs, and removes every `strata-` object no desired resource owns. Returns what it did.
   */
  sync(desired: DesiredState): Promise<SyncResult>;
}

/** A network segment as one host realizes it. */
export interface NetworkSpec {
  id: string;
  network_type: string;
  /** null for overlay types (vxlan, local). */
  physical_network: string | null;
  segmentation_id: number | null;
  mtu: number;
  admin_state_up: boolean;
  external: boolean;
}

export interface FixedIpSpec {
  subnet_id: string;
  ip_address: string;
  /** The subnet's CIDR and gateway, so the driver never looks a subnet up. */
  cidr: string;
  ip_version: number;
  gateway_ip: string | null;
}

export interface SecurityRuleSpec {
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  /** A remote group is expanded by the server into the addresses of its member ports. */
  remote_ip_prefixes: string[] | null;
  security_group_id: string;
  stateful: boolean;
}

export interface PortSpec {
  id: string;
  network: NetworkSpec;
  mac_address: string;
  fixed_ips: FixedIpSpec[];
  admin_state_up: boolean;
  device_id: string;
  device_owner: string;
  /** False: no anti-spoofing and no security groups on this port. */
  port_security_enabled: boolean;
  allowed_address_pairs: { ip_address: string; mac_address: string }[];
  security_group_ids: string[];
  security_group_rules: SecurityRuleSpec[];
  binding_profile: Record<string, unknown>;
  vnic_type: string;
}

/** What the driver plugged, reported back to the server as the port's binding. */
export interface PlugResult {
  /** Neutron's binding:vif_type ('bridge', 'ovs', 'tap', 'unbound', 'binding_failed'). */
  vif_type: string;
  vif_details: Record<string, unknown>;
  /** The device name on the host (the tap QEMU is given). */
  device?: string;
}

export interface DhcpSubnetSpec {
  id: string;
  cidr: string;
  ip_version: number;
  gateway_ip: string | null;
  enable_dhcp: boolean;
  dns_nameservers: string[];
  host_routes: { destination: string; nexthop: string }[];
  allocation_pools: { start: string; end: string }[];
}

export interface DhcpSpec {
  network: NetworkSpec;
  subnets: DhcpSubnetSpec[];
  /** One entry per port with a fixed IP on a DHCP subnet (dnsmasq's dhcp-hostsfile). */
  hosts: { port_id: string; mac_address: string; ip_address: string; hostname: string }[];
  /** The network's DHCP port, when the server allocated one. */
  dhcp_port?: { id: string; mac_address: string; fixed_ips: FixedIpSpec[] };
}

export interface RouterInterfaceSpec {
  port_id: string;
  mac_address: string;
  network: NetworkSpec;
  fixed_ips: FixedIpSpec[];
}

export interface RouterSpec {
  id: string;
  admin_state_up: boolean;
  interfaces: RouterInterfaceSpec[];
  gateway: (RouterInterfaceSpec & { enable_snat: boolean }) | null;
  routes: { destination: string; nexthop: string }[];
  floating_ips: { id: string; floating_ip_address: string; fixed_ip_address: string; port_id: string }[];
  /** Floating IP port forwardings (DNAT of a port range of a floating IP to an internal address). */
  port_forwardings?: {
    floating_ip_address: string;
    protocol: string;
    internal_ip_address: string;
    internal_port_start: number;
    internal_port_end: number;
    external_port_start: number;
    external_port_end: number;
  }[];
}

export interface MetadataProxySpec {
  network_id: string;
  /** Serve from this router's namespace; otherwise from the network's DHCP namespace. */
  router_id: string | null;
}

/** Everything one host must realize. */
export interface DesiredState {
  host: string;
  networks: NetworkSpec[];
  ports: PortSpec[];
  dhcp: DhcpSpec[];
  routers: RouterSpec[];
  metadata: MetadataProxySpec[];
}

export interface SyncResult {
  /** Port id → what was plugged, for every desired port the driver has up. */
  plugged: Record<string, PlugResult>;
  /** Host objects removed because nothing desired owns them (names, for the log). */
  removed: string[];
  /** Desired resources the driver could not realize, with why. */
  failed: { id: string; reason: string }[];
}
