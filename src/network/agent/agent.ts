import type { Bus, Subscription } from '../../core/bus/bus.ts';
import type { Dataplane, DesiredState, PortSpec } from '../drivers/dataplane.ts';
import {
  AGENT_TOPIC,
  AgentMethod,
  type NetworkUpdateMessage,
  type PortDeleteMessage,
  type PortStatusUpdate,
  type PortUpdateMessage,
  type RouterUpdateMessage,
  SERVER_TOPIC,
  ServerMethod,
} from './rpc.ts';
import { type AgentRole, stateReports } from './state-report.ts';

export interface AgentLog {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
}

export interface NetworkAgentOptions {
  bus: Bus;
  host: string;
  driver: Dataplane;
  log: AgentLog;
  /** Seconds between state reports. */
  reportInterval: number;
  roles?: readonly AgentRole[];
  availabilityZone?: string;
  callTimeoutMs?: number;
}

export interface NetworkAgent {
  readonly host: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves once every change received so far has been applied (tests wait on it). */
  idle(): Promise<void>;
  /** Queues a full sync (also run on start and after a failed sync, at the next report). */
  resync(): Promise<void>;
}

/**
 * One host's network agent: consumes `network-agent.<host>`, applies each change through the dataplane driver,
 * reports ports' status back, heartbeats as Neutron's agents do, and on start reconciles the host with
 * everything the server says is bound to it. Changes run one at a time, in arrival order.
 */
export function createNetworkAgent(o: NetworkAgentOptions): NetworkAgent {
  const roles = o.roles ?? (['l2', 'dhcp', 'l3', 'metadata'] as const);
  const timeoutMs = o.callTimeoutMs ?? 30000;
  const ports = new Map<string, string>(); // port id → network id, what this host has plugged
  const dhcpNetworks = new Set<string>();
  const routers = new Set<string>();
  let subs: Subscription[] = [];
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<void> = Promise.resolve();
  let started = false;
  let synced = false;
  let startFlag = true;

  const server = <T>(method: string, payload: unknown) =>
    o.bus.call<T>({ topic: SERVER_TOPIC }, method, payload, { timeoutMs });

  /** Runs `fn` after everything queued before it; a failure is logged, never stops the queue. */
  function enqueue(what: string, fn: () => Promise<void>): Promise<void> {
    queue = queue.then(fn).catch((err) => o.log.warn({ err, host: o.host }, `network agent: ${what} failed`));
    return queue;
  }

  // A dataplane that wires DHCP (anything but noop) needs the server to allocate each network's DHCP port.
  /**
   * Queues a change unless the same one is already waiting: a change re-reads the server's state when it runs,
   * so a burst of notifications for one port or network (every port create re-sends its network's DHCP and its
   * group's members) costs one application.
   */
  const waiting = new Set<string>();
  // The noop dataplane keeps no filters or DHCP hosts: the changes only those depend on are skipped there.
  let filters = true;
  function once(key: string, fn: () => Promise<void>): Promise<void> {
    if (waiting.has(key)) return queue;
    waiting.add(key);
    return enqueue(key, () => {
      waiting.delete(key);
      return fn();
    });
  }

  const desired = (only?: Record<string, string[]>) =>
    server<DesiredState>(ServerMethod.syncState, {
      host: o.host,
      ...(only && { only }),
      ...(o.driver.name !== 'noop' && { allocate_dhcp_ports: true }),
    });

  async function reportStatuses(updates: PortStatusUpdate[]): Promise<void> {
    if (updates.length > 0) await server(ServerMethod.updatePortStatus, { updates });
  }

  const statusOf = (p: PortSpec): PortStatusUpdate['status'] => (p.admin_state_up ? 'ACTIVE' : 'DOWN');

  async function applyPort(portId: string): Promise<void> {
    const state = await desired({ port_ids: [portId] });
    const port = state.ports.find((p) => p.id === portId);
    if (!port) {
      // No longer bound here (deleted, or re-bound to another host meanwhile).
      if (ports.delete(portId)) await o.driver.unplugPort({ id: portId });
      return;
    }
    await o.driver.ensureNetwork(port.network);
    const plugged = await o.driver.plugPort(port);
    ports.set(port.id, port.network.id);
    await reportStatuses([
      {
        port_id: port.id,
        host: o.host,
        status: statusOf(port),
        vif_type: plugged.vif_type,
        vif_details: plugged.vif_details,
      },
    ]);
  }

  async function applyNetwork(networkId: string): Promise<void> {
    const state = await desired({ network_ids: [networkId], port_ids: [] });
    const network = state.networks.find((n) => n.id === networkId);
    const dhcp = state.dhcp.find((d) => d.network.id === networkId);
    if (network && dhcp) {
      await o.driver.ensureNetwork(network);
      await o.driver.ensureDhcp(dhcp);
      for (const m of state.metadata.filter((x) => x.network_id === networkId)) await o.driver.ensureMetadataProxy(m);
      dhcpNetworks.add(networkId);
      return;
    }
    if (dhcpNetworks.delete(networkId)) {
      await o.driver.removeMetadataProxy(networkId);
      await o.driver.removeDhcp(networkId);
    }
    if (!network) {
      // A deleted network has no ports left: those still remembered went with it (DHCP ports are deleted with
      // their network without a port notification of their own).
      for (const [portId, netId] of ports)
        if (netId === networkId) {
          ports.delete(portId);
          await o.driver.unplugPort({ id: portId, network_id: networkId });
        }
      await o.driver.removeNetwork(networkId);
    } else if (network.external || [...ports.values()].includes(networkId)) await o.driver.ensureNetwork(network);
  }

  async function applyRouter(routerId: string): Promise<void> {
    const state = await desired({ router_ids: [routerId], port_ids: [] });
    const router = state.routers.find((r) => r.id === routerId);
    if (router) {
      await o.driver.ensureRouter(router);
      routers.add(routerId);
    } else if (routers.delete(routerId)) await o.driver.removeRouter(routerId);
  }

  async function fullSync(): Promise<void> {
    const state = await desired();
    const result = await o.driver.sync(state);
    ports.clear();
    for (const p of state.ports) if (result.plugged[p.id]) ports.set(p.id, p.network.id);
    dhcpNetworks.clear();
    for (const d of state.dhcp) dhcpNetworks.add(d.network.id);
    routers.clear();
    for (const r of state.routers) routers.add(r.id);
    const failed = new Set(result.failed.map((f) => f.id));
    await reportStatuses(
      state.ports.map((p) => {
        const plugged = result.plugged[p.id];
        if (!plugged || failed.has(p.id))
          return { port_id: p.id, host: o.host, status: 'DOWN' as const, vif_type: 'binding_failed' };
        return {
          port_id: p.id,
          host: o.host,
          status: statusOf(p),
          vif_type: plugged.vif_type,
          vif_details: plugged.vif_details,
        };
      }),
    );
    for (const f of result.failed)
      o.log.warn({ host: o.host, id: f.id, reason: f.reason }, 'network agent: not realized');
    synced = true;
    o.log.debug({ host: o.host, ports: ports.size, removed: result.removed.length }, 'network agent: synced');
  }

  async function report(): Promise<void> {
    const agents = stateReports({
      host: o.host,
      roles,
      driver: o.driver,
      availabilityZone: o.availabilityZone ?? 'nova',
      startFlag,
      synced,
      counts: { ports: ports.size, networks: 0, dhcpNetworks: dhcpNetworks.size, routers: routers.size },
      reportInterval: o.reportInterval,
    });
    try {
      await server(ServerMethod.reportState, { agents });
      startFlag = false;
    } catch (err) {
      o.log.warn({ err, host: o.host }, 'network agent: state report failed');
    }
  }

  return {
    host: o.host,
    async start() {
      if (started) return;
      started = true;
      await o.driver.start(o.host);
      filters = o.driver.name !== 'noop';
      subs = [
        o.bus.serve(
          { topic: AGENT_TOPIC, server: o.host },
          {
            [AgentMethod.portUpdate]: (p) =>
              (p as PortUpdateMessage).reason === 'filter' && !filters
                ? queue
                : once(`port ${String((p as PortUpdateMessage).port.id)}`, () =>
                    applyPort(String((p as PortUpdateMessage).port.id)),
                  ),
            [AgentMethod.portDelete]: (p) =>
              enqueue('port delete', async () => {
                const m = p as PortDeleteMessage;
                ports.delete(m.port_id);
                await o.driver.unplugPort({ id: m.port_id, network_id: m.network_id, mac_address: m.mac_address });
              }),
            [AgentMethod.networkUpdate]: (p) =>
              (p as NetworkUpdateMessage).reason === 'dhcp_hosts' && !filters
                ? queue
                : once(`network ${(p as NetworkUpdateMessage).network_id}`, () =>
                    applyNetwork((p as NetworkUpdateMessage).network_id),
                  ),
            [AgentMethod.routerUpdate]: (p) =>
              enqueue('router update', () => applyRouter((p as RouterUpdateMessage).router_id)),
            [AgentMethod.resync]: () => enqueue('resync', fullSync),
          },
        ),
        o.bus.listenFanout(AGENT_TOPIC, { [AgentMethod.resync]: () => enqueue('resync', fullSync) }),
      ];
      await report();
      await enqueue('full sync', fullSync);
      await report();
      timer = setInterval(() => {
        void report();
        if (!synced) void enqueue('full sync', fullSync);
      }, o.reportInterval * 1000);
      timer.unref();
    },
    async stop() {
      if (!started) return;
      started = false;
      clearInterval(timer);
      for (const s of subs) s.unsubscribe();
      subs = [];
      await queue;
      await o.driver.stop();
    },
    idle: () => queue,
    resync: () => enqueue('resync', fullSync),
  };
}
