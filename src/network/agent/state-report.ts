import type { Dataplane } from '../drivers/dataplane.ts';
import type { StateReport } from './rpc.ts';

/** What one Strata agent process does on its host; each role is listed as the Neutron agent that does it. */
export type AgentRole = 'l2' | 'dhcp' | 'l3' | 'metadata';

export const AGENT_TYPES: Record<AgentRole, { agent_type: string; binary: string; topic: string; zoned: boolean }> = {
  // Neutron's names, which clients and Tempest filter on; the binaries are Strata's.
  l2: { agent_type: 'Linux bridge agent', binary: 'strata-linuxbridge-agent', topic: 'N/A', zoned: false },
  dhcp: { agent_type: 'DHCP agent', binary: 'strata-dhcp-agent', topic: 'dhcp_agent', zoned: true },
  l3: { agent_type: 'L3 agent', binary: 'strata-l3-agent', topic: 'l3_agent', zoned: true },
  metadata: { agent_type: 'Metadata agent', binary: 'strata-metadata-agent', topic: 'N/A', zoned: false },
};

export interface ReportContext {
  host: string;
  roles: readonly AgentRole[];
  driver: Dataplane;
  availabilityZone: string;
  startFlag: boolean;
  synced: boolean;
  counts: { ports: number; networks: number; dhcpNetworks: number; routers: number };
  reportInterval: number;
}

/** One report per role: Neutron lists an agent per (type, host), so one process shows up as several agents. */
export function stateReports(ctx: ReportContext): StateReport[] {
  const driverConf = ctx.driver.configurations();
  const conf: Record<AgentRole, Record<string, unknown>> = {
    l2: { ...driverConf, devices: ctx.counts.ports, interface_mappings: {}, extensions: [] },
    dhcp: { dhcp_driver: ctx.driver.name, networks: ctx.counts.dhcpNetworks, report_interval: ctx.reportInterval },
    l3: { agent_mode: 'legacy', routers: ctx.counts.routers, interface_driver: ctx.driver.name },
    metadata: { metadata_proxy_socket: '', nova_metadata_host: '', log_agent_heartbeats: false },
  };
  return ctx.roles.map((role) => {
    const t = AGENT_TYPES[role];
    return {
      agent_type: t.agent_type,
      binary: t.binary,
      topic: t.topic,
      host: ctx.host,
      availability_zone: t.zoned ? ctx.availabilityZone : null,
      configurations: conf[role],
      resources_synced: role === 'l2' ? ctx.synced : null,
      start_flag: ctx.startFlag,
    };
  });
}
