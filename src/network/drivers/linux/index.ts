import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Config, metadataSocketPath } from '../../../core/config.ts';
import { deleteNamespace, ensureNamespace, hostNamespace, namespaceExists } from '../../../core/host/netns.ts';
import { run } from '../../../core/host/run.ts';
import type {
  Dataplane,
  DesiredState,
  NetworkSpec,
  PlugResult,
  PortSpec,
  RouterSpec,
  SyncResult,
} from '../dataplane.ts';
import { ensureSegment, removeSegment } from './bridges.ts';
import { removeOrphans } from './cleanup.ts';
import { type LinuxContext, linuxStateDir } from './context.ts';
import { ensureDhcp, removeDhcp } from './dhcp.ts';
import { deleteLink, enslave, linkExists, listLinks } from './links.ts';
import { ensureMetadataProxy, removeMetadataProxy } from './metadata.ts';
import { bridgeName, tapName } from './names.ts';
import { FILTER_TABLE, type FilteredPort, hostRuleset, PORTS_TABLE } from './port-rules.ts';
import { ensureRouter, removeRouter } from './router.ts';

/**
 * The `linux` dataplane: a host's networks, ports, DHCP, routers and metadata built from Linux bridges,
 * network namespaces, veths, dnsmasq and nftables, all inside the host's namespace `strata-host-<host>` (or
 * namespaces hanging off it); the machine's root namespace gets nothing unless `network.linux` asks for an
 * uplink or host veth.
 *
 * Lifetime: `stop()` (a clean shutdown of Strata) leaves the tenant wiring and the helpers (dnsmasq, metadata
 * proxies, detached from this process) in place, so running guests keep their network, DHCP and metadata
 * across a restart, and the next start's `sync` adopts them. What nothing owns goes at that sync; a resource's
 * removal takes what it made. When the last of them is gone the host is released: the filter tables, and the
 * host namespace unless an interface or a process (a QEMU) is still in it; `teardown()` forces the same
 * (a sync with nothing desired, then the namespace and the state directory), for tests and operators.
 */
export interface LinuxDataplane extends Dataplane {
  teardown(): Promise<void>;
}

export function createLinuxDataplane(config: Config): LinuxDataplane {
  let ctx: LinuxContext | undefined;
  const networks = new Map<string, NetworkSpec>();
  const ports = new Map<string, FilteredPort>();
  const dhcpPorts = new Map<string, string>(); // network id → DHCP port id
  const routerNetworks = new Map<string, Set<string>>(); // router id → the networks it has ports on

  /** Whether this host still needs the network's bridge: an external one always, else a port, DHCP, a router. */
  const inUse = (networkId: string): boolean =>
    Boolean(networks.get(networkId)?.external) ||
    [...ports.values()].some((p) => p.spec.network.id === networkId) ||
    dhcpPorts.has(networkId) ||
    [...routerNetworks.values()].some((nets) => nets.has(networkId));

  /** A bridge goes with the last thing on it, as Neutron's linuxbridge agent removes an empty bridge. */
  async function dropIfUnused(networkIds: Iterable<string>): Promise<void> {
    for (const id of networkIds) if (networks.has(id) && !inUse(id)) await driver.removeNetwork(id);
  }

  const need = (): LinuxContext => {
    if (!ctx) throw new Error('linux dataplane used before start()');
    return ctx;
  };

  let hostReady = false;

  /** The host namespace with bridged traffic crossing the inet hooks (made again after an idle release). */
  async function ensureHost(): Promise<void> {
    const { hostNs, stateDir } = need();
    // Someone may have deleted the namespace under us (an operator, a test's cleanup): then it is made again.
    if (hostReady && (await namespaceExists(hostNs))) return;
    await mkdir(stateDir, { recursive: true });
    await ensureNamespace(hostNs);
    // Bridged packets must cross the inet hooks for the security groups; the module makes the sysctl exist.
    const sysctl = await run('sysctl', ['-q', '-w', 'net.bridge.bridge-nf-call-iptables=1'], {
      netns: hostNs,
      allowFail: true,
    });
    if (sysctl.code !== 0) await run('modprobe', ['br_netfilter'], { allowFail: true });
    await run('sysctl', ['-q', '-w', 'net.bridge.bridge-nf-call-iptables=1'], { netns: hostNs });
    await run('sysctl', ['-q', '-w', 'net.bridge.bridge-nf-call-ip6tables=1'], { netns: hostNs });
    hostReady = true;
  }

  /**
   * When this host has nothing left to wire, its filter tables go, and so does the host namespace unless
   * something else still uses it (an interface, or a process such as a QEMU of the compute side).
   */
  async function releaseIfIdle(): Promise<string[]> {
    const c = need();
    if (networks.size > 0 || ports.size > 0 || !hostReady) return [];
    const recorded = async (d: string) => (await readdir(`${c.stateDir}/${d}`).catch(() => [])).length;
    if ((await recorded('routers')) + (await recorded('dhcp')) > 0) return [];
    const removed = [`nft bridge ${PORTS_TABLE}`, `nft inet ${FILTER_TABLE}`];
    for (const t of [`bridge ${PORTS_TABLE}`, `inet ${FILTER_TABLE}`])
      await run('nft', ['delete', 'table', ...t.split(' ')], { netns: c.hostNs, allowFail: true });
    hostReady = false;
    const links = (await listLinks(c.hostNs)).filter((l) => l.ifname !== 'lo');
    const pids = await run('ip', ['netns', 'pids', c.hostNs], { allowFail: true });
    if (links.length === 0 && pids.code === 0 && !pids.stdout.trim()) {
      await deleteNamespace(c.hostNs);
      removed.push(c.hostNs);
    }
    return removed;
  }

  /** Replaces the host's whole port-filter ruleset in one transaction (see port-rules.ts). */
  async function applyFilter(): Promise<void> {
    const c = need();
    await ensureHost();
    await run('nft', ['-f', '-'], { netns: c.hostNs, input: hostRuleset([...ports.values()], [...networks.keys()]) });
  }

  async function ensureNetwork(net: NetworkSpec): Promise<void> {
    await ensureHost();
    await ensureSegment(need(), net);
    const known = networks.has(net.id);
    networks.set(net.id, net);
    if (!known) await applyFilter();
  }

  async function plugPort(port: PortSpec): Promise<PlugResult> {
    const c = need();
    await ensureNetwork(port.network);
    const tap = tapName(port.id);
    // A DHCP or router port is bound to this host too, but its device is the veth its namespace's code makes,
    // and it forwards other hosts' addresses: it is neither created as a tap here nor filtered.
    if (port.device_owner.startsWith('network:')) {
      ports.delete(port.id);
      return { vif_type: 'tap', vif_details: { port_filter: false, connectivity: 'l2' }, device: tap };
    }
    // QEMU's side may have made the tap first (the naming contract); a test may hand us a veth of that name.
    if (!(await linkExists(c.hostNs, tap)))
      await run('ip', ['-n', c.hostNs, 'tuntap', 'add', 'dev', tap, 'mode', 'tap']);
    await enslave(c.hostNs, tap, bridgeName(port.network.id), port.network.mtu);
    if (!port.admin_state_up) await run('ip', ['-n', c.hostNs, 'link', 'set', tap, 'down']);
    const index = ports.get(port.id)?.index ?? freeIndex();
    ports.set(port.id, { spec: port, index });
    await applyFilter();
    return {
      vif_type: 'tap',
      vif_details: {
        port_filter: port.port_security_enabled,
        connectivity: 'l2',
        bridge_name: bridgeName(port.network.id),
        namespace: c.hostNs,
      },
      device: tap,
    };
  }

  function freeIndex(): number {
    const used = new Set([...ports.values()].map((p) => p.index));
    for (let i = 1; i < 0x10000; i++) if (!used.has(i)) return i;
    throw new Error('more than 65535 filtered ports on one host');
  }

  const routerRecord = (id: string) => `${need().stateDir}/routers/${id}`;

  const driver: LinuxDataplane = {
    name: 'linux',
    describe: () => (ctx ? `linux (namespace ${ctx.hostNs}, ${networks.size} bridges)` : 'linux (not started)'),
    async start(host) {
      const hostNs = hostNamespace(host);
      ctx = {
        host,
        hostNs,
        stateDir: linuxStateDir(config.dataDir, host),
        linux: config.network.linux,
        metadataSocket: metadataSocketPath(config),
        nodeBinary: process.execPath,
        proxyScript: fileURLToPath(new URL('./ns-proxy.ts', import.meta.url)),
      };
      hostReady = false;
      await applyFilter();
    },
    async stop() {
      // Tenant wiring and helpers stay (see the header); only our in-memory view goes.
      networks.clear();
      ports.clear();
      dhcpPorts.clear();
      routerNetworks.clear();
    },
    configurations: () => ({
      dataplane: 'linux',
      namespace: ctx?.hostNs,
      bridge_mappings: {},
      interface_mappings: {},
      tunnel_types: ['vxlan'],
      devices: ports.size,
      networks: networks.size,
    }),
    ensureNetwork,
    async removeNetwork(networkId) {
      const net = networks.get(networkId);
      await removeSegment(need(), net ?? { id: networkId });
      networks.delete(networkId);
      await applyFilter();
      await releaseIfIdle();
    },
    plugPort,
    async unplugPort(port) {
      const c = need();
      const networkId = ports.get(port.id)?.spec.network.id ?? port.network_id;
      ports.delete(port.id);
      await applyFilter();
      // Only a tun device is the port's own: a veth of that name is a DHCP or router port's, which goes with
      // its namespace (or, orphaned, at the next sync).
      const link = (await listLinks(c.hostNs)).find((l) => l.ifname === tapName(port.id));
      if (link?.linkinfo?.info_kind === 'tun') await deleteLink(c.hostNs, link.ifname);
      if (networkId) await dropIfUnused([networkId]);
      await releaseIfIdle();
    },
    async updatePortFilter(port) {
      const known = ports.get(port.id);
      if (!known) return;
      ports.set(port.id, { spec: port, index: known.index });
      await applyFilter();
    },
    async ensureDhcp(dhcp) {
      await ensureNetwork(dhcp.network);
      await ensureDhcp(need(), dhcp);
      if (dhcp.dhcp_port) dhcpPorts.set(dhcp.network.id, dhcp.dhcp_port.id);
    },
    async removeDhcp(networkId) {
      await removeDhcp(need(), networkId, dhcpPorts.get(networkId));
      dhcpPorts.delete(networkId);
      await dropIfUnused([networkId]);
      await releaseIfIdle();
    },
    async ensureRouter(router: RouterSpec) {
      await mkdir(`${need().stateDir}/routers`, { recursive: true });
      await writeFile(routerRecord(router.id), `${router.id}\n`);
      const before = routerNetworks.get(router.id) ?? new Set<string>();
      const now = new Set([...router.interfaces, ...(router.gateway ? [router.gateway] : [])].map((i) => i.network.id));
      routerNetworks.set(router.id, now);
      await ensureRouter(need(), router, ensureNetwork);
      await dropIfUnused([...before].filter((id) => !now.has(id)));
    },
    async removeRouter(routerId) {
      await removeRouter(need(), routerId);
      await rm(routerRecord(routerId), { force: true });
      const used = routerNetworks.get(routerId) ?? new Set<string>();
      routerNetworks.delete(routerId);
      await dropIfUnused(used);
      await releaseIfIdle();
    },
    ensureMetadataProxy: (proxy) => ensureMetadataProxy(need(), proxy),
    removeMetadataProxy: (networkId) => removeMetadataProxy(need(), networkId),

    async sync(desired: DesiredState): Promise<SyncResult> {
      const c = need();
      const result: SyncResult = { plugged: {}, removed: [], failed: [] };
      const attempt = async (id: string, fn: () => Promise<unknown>) => {
        try {
          await fn();
        } catch (err) {
          result.failed.push({ id, reason: err instanceof Error ? err.message : String(err) });
        }
      };
      // Forget what is not desired first, so the filter applied below never names a removed device.
      for (const id of [...ports.keys()]) if (!desired.ports.some((p) => p.id === id)) ports.delete(id);
      for (const id of [...routerNetworks.keys()])
        if (!desired.routers.some((r) => r.id === id)) routerNetworks.delete(id);
      for (const id of [...dhcpPorts.keys()]) if (!desired.dhcp.some((d) => d.network.id === id)) dhcpPorts.delete(id);
      const forgotten = [...networks.values()].filter((n) => !desired.networks.some((d) => d.id === n.id));
      for (const n of forgotten) networks.delete(n.id);
      for (const n of desired.networks) await attempt(n.id, () => ensureNetwork(n));
      for (const p of desired.ports)
        await attempt(p.id, async () => {
          result.plugged[p.id] = await plugPort(p);
        });
      for (const d of desired.dhcp) await attempt(d.network.id, () => driver.ensureDhcp(d));
      for (const r of desired.routers) await attempt(r.id, () => driver.ensureRouter(r));
      for (const m of desired.metadata) await attempt(`metadata ${m.network_id}`, () => driver.ensureMetadataProxy(m));
      await applyFilter();
      // Networks this process wired and no longer wants: removed whole (their host patches rejoined elsewhere).
      for (const n of forgotten) {
        await attempt(n.id, () => removeSegment(c, n));
        result.removed.push(bridgeName(n.id));
      }
      result.removed = [...result.removed, ...(await removeOrphans(c, desired)), ...(await releaseIfIdle())];
      return result;
    },

    async teardown() {
      if (!ctx) return;
      await driver.sync({ host: ctx.host, networks: [], ports: [], dhcp: [], routers: [], metadata: [] });
      for (const link of await listLinks(ctx.hostNs))
        if (link.ifname.startsWith('brq')) await deleteLink(ctx.hostNs, link.ifname);
      await deleteNamespace(ctx.hostNs);
      await rm(ctx.stateDir, { recursive: true, force: true });
    },
  };
  return driver;
}
