import type { Subscription } from '../core/bus/bus.ts';
import { type PortStatusUpdate, SERVER_TOPIC, ServerMethod, type StateReport } from './agent/rpc.ts';
import { desiredStateOf } from './agent-desired.ts';
import { dhcpHosts } from './agent-notify.ts';
import type { NetworkDeps } from './deps.ts';
import { recordStateReport } from './store/agents.ts';
import { setPortStatus } from './store/port-status.ts';

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
        const { host, only } = payload as { host: string; only?: { port_ids?: string[]; network_ids?: string[] } };
        return desiredStateOf(deps.db, host, { servesDhcp: dhcpHosts(deps).includes(host), only });
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
