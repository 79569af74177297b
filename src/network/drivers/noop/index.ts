import type { Dataplane, DesiredState, PlugResult, PortSpec, SyncResult } from '../dataplane.ts';

/**
 * The dataplane that changes nothing on the host: every request succeeds, so ports go ACTIVE and the API
 * behaves as a real cloud's without root or host packages. It remembers what it was told, which tests read.
 */
export function createNoopDataplane(): Dataplane & { state: NoopState } {
  const state: NoopState = { networks: new Set(), ports: new Set(), dhcp: new Set(), routers: new Set() };
  const plugged = (port: PortSpec): PlugResult => ({
    vif_type: 'tap',
    vif_details: { port_filter: port.port_security_enabled, connectivity: 'l2' },
    device: `tap${port.id.slice(0, 11)}`,
  });
  return {
    name: 'noop',
    state,
    describe: () => 'dataplane noop (no host wiring: ports only go ACTIVE)',
    async start() {},
    async stop() {},
    configurations: () => ({ dataplane: 'noop', devices: state.ports.size, networks: state.networks.size }),
    async ensureNetwork(net) {
      state.networks.add(net.id);
    },
    async removeNetwork(id) {
      state.networks.delete(id);
    },
    async plugPort(port) {
      state.networks.add(port.network.id);
      state.ports.add(port.id);
      return plugged(port);
    },
    async unplugPort(port) {
      state.ports.delete(port.id);
    },
    async updatePortFilter() {},
    async ensureDhcp(dhcp) {
      state.dhcp.add(dhcp.network.id);
    },
    async removeDhcp(id) {
      state.dhcp.delete(id);
    },
    async ensureRouter(router) {
      state.routers.add(router.id);
    },
    async removeRouter(id) {
      state.routers.delete(id);
    },
    async ensureMetadataProxy() {},
    async removeMetadataProxy() {},
    async sync(desired: DesiredState): Promise<SyncResult> {
      state.networks = new Set(desired.networks.map((n) => n.id));
      state.ports = new Set(desired.ports.map((p) => p.id));
      state.dhcp = new Set(desired.dhcp.map((d) => d.network.id));
      state.routers = new Set(desired.routers.map((r) => r.id));
      return { plugged: Object.fromEntries(desired.ports.map((p) => [p.id, plugged(p)])), removed: [], failed: [] };
    },
  };
}

export interface NoopState {
  networks: Set<string>;
  ports: Set<string>;
  dhcp: Set<string>;
  routers: Set<string>;
}
