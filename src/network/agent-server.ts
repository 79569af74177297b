import type { Subscription } from '../core/bus/bus.ts';
import { type PortStatusUpdate, SERVER_TOPIC, ServerMethod, type StateReport } from './agent/rpc.ts';
import { type DesiredFilter, desiredStateOf } from './agent-desired.ts';
import { ensureDhcpPorts } from './agent-dhcp-port.ts';
import { dhcpHosts, l3Hosts } from './agent-notify.ts';
import type { NetworkDeps } from './deps.ts';
import { recordStateReport } from './store/agents.ts';
import { setPortStatus } from './store/port-status.ts';

interface SyncStateRequest {
  host: string;
  only?: DesiredFilter;
  /** Set by agents whose dataplane serves DHCP itself (not noop): DHCP networks without a port get one. */
  allocate_dhcp_ports?: boolean;
}

/**
 * The server's side of the agent RPC (topic `network`): agents' state reports (the agents table), their
 * requests for the desired state of their host, and the status of the ports they wired. Every server process
 * consumes the topic; any one of them may answer.
 */
export function serveNetworkAgents(deps: NetworkDeps): Subscription {
  return deps.bus.serve(
    { topic: SERVER_TOPIC },
    {
      [ServerMethod.reportState]: async (payload) => {
        const { agents } = payload as { agents: StateReport[] };
        for (const report of agents ?? []) await recordStateReport(deps.db, report);
        return { ok: true };
      },

      [ServerMethod.syncState]: async (payload) => {
        const { host, only, allocate_dhcp_ports } = payload as SyncStateRequest;
        const opts = { servesDhcp: dhcpHosts(deps).includes(host), servesL3: l3Hosts(deps).includes(host), only };
        const state = await desiredStateOf(deps.db, host, opts);
        if (!allocate_dhcp_ports) return state;
        // A dataplane that runs dnsmasq needs each DHCP network's port, with an address on each DHCP subnet.
        const missing = state.dhcp
          .filter((d) => {
            const served = d.subnets.filter((s) => s.ip_version === 4);
            return served.length > 0 && !served.every((s) => d.dhcp_port?.fixed_ips.some((f) => f.subnet_id === s.id));
          })
          .map((d) => d.network.id);
        if (missing.length === 0 || (await ensureDhcpPorts(deps, host, missing)).length === 0) return state;
        return desiredStateOf(deps.db, host, opts);
      },

      [ServerMethod.updatePortStatus]: async (payload) => {
        const { updates } = payload as { updates: PortStatusUpdate[] };
        let changed = 0;
        for (const u of updates ?? []) {
          const row = await setPortStatus(deps.db, u);
          if (!row) continue;
          changed++;
          // What Nova's network-vif-plugged stands on: compute listens for `port.status_changed`.
          await deps.bus.notify({
            event_type: 'port.status_changed',
            publisher_id: 'network',
            payload: {
              port_id: row.id,
              network_id: row.network_id,
              device_id: row.device_id,
              device_owner: row.device_owner,
              status: row.status,
              host: u.host,
              'binding:vif_type': row.binding_vif_type,
            },
          });
        }
        return { changed };
      },
    },
  );
}
