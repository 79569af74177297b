/**
 * The contract between the Network server and its per-host agents, both directions over the bus. Everything
 * here is JSON: the same messages cross RabbitMQ when the agent runs on another node.
 *
 * Server → agent: cast to `{ topic: AGENT_TOPIC, server: host }` (the host's agent only), or fanout on
 * AGENT_TOPIC to make every agent re-sync.
 * Agent → server: call/cast to `{ topic: SERVER_TOPIC }` (any server process consumes it).
 */

/** What each host's network agent consumes (`network-agent.<host>`). */
export const AGENT_TOPIC = 'network-agent';
/** What the Network service consumes from agents (state reports, port status, sync requests). */
export const SERVER_TOPIC = 'network';

/** Server → agent methods. */
export const AgentMethod = {
  portUpdate: 'port_update',
  portDelete: 'port_delete',
  routerUpdate: 'router_update',
  networkUpdate: 'network_update',
  /** Fanout: drop caches and run a full sync. */
  resync: 'resync',
} as const;

/** Agent → server methods. */
export const ServerMethod = {
  reportState: 'report_state',
  /** Everything bound to or hosted on one host: the desired state the agent reconciles with. */
  syncState: 'sync_state',
  /** Resolved details of some ports (segment, fixed IPs with subnets, security group rules). */
  portDetails: 'port_details',
  updatePortStatus: 'update_port_status',
} as const;

export interface PortUpdateMessage {
  port: Record<string, unknown>;
  /** 'filter': only the port's security group rules may differ (a remote group's members changed). */
  reason?: 'filter';
}
export interface PortDeleteMessage {
  port_id: string;
  network_id?: string;
  mac_address?: string;
}
export interface RouterUpdateMessage {
  router_id: string;
}
export interface NetworkUpdateMessage {
  network_id: string;
  /** 'dhcp_hosts': only the ports' DHCP entries may differ (a port with addresses changed). */
  reason?: 'dhcp_hosts';
}

/** One Neutron agent row an agent process reports (a Strata agent reports several types per host). */
export interface StateReport {
  agent_type: string;
  binary: string;
  host: string;
  topic: string;
  availability_zone: string | null;
  configurations: Record<string, unknown>;
  resources_synced?: boolean | null;
  /** Set on the first report after the agent process started. */
  start_flag?: boolean;
}

export interface PortStatusUpdate {
  port_id: string;
  host: string;
  status: 'ACTIVE' | 'DOWN' | 'BUILD' | 'ERROR';
  /** What the driver plugged (Neutron's binding:vif_type, e.g. 'bridge', 'ovs', 'tap'). */
  vif_type?: string;
  vif_details?: Record<string, unknown>;
}
