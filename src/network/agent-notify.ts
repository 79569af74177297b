import { hostname } from 'node:os';
import { NoConsumer } from '../core/bus/bus.ts';
import { AGENT_TOPIC, AgentMethod } from './agent/rpc.ts';
import type { NetworkDeps } from './deps.ts';

/**
 * The server's side of "every change that a host must realize is a message to the agent owning that host".
 * API code calls these AFTER its transaction commits (never inside it: the agent reads the committed rows).
 * They never throw: an agent that is down re-syncs everything when it starts, so a lost cast loses nothing.
 */

/** A port was created or changed (the port's API view, with `binding:host_id`). */
export async function portChanged(deps: NetworkDeps, port: Record<string, unknown>): Promise<void> {
  await dhcpHostsChanged(deps, port);
  const host = hostOf(port);
  if (!host) return; // unbound: nothing to realize yet
  await send(deps, host, AgentMethod.portUpdate, { port });
}

/**
 * Every port with an address is a line of its network's dnsmasq hosts file, bound or not: the DHCP hosts
 * re-read the network (the DHCP port's own changes are the DHCP host's doing and need no echo). And ports
 * whose rules name one of its groups as remote get their filters again.
 */
async function dhcpHostsChanged(deps: NetworkDeps, port: Record<string, unknown>): Promise<void> {
  // The port's addresses are also members of its groups, which rules of other groups may name as remote.
  if (Array.isArray(port.security_groups))
    for (const g of port.security_groups)
      if (typeof g === 'string') await securityGroupChanged(deps, g, { membersOnly: true });
  const networkId = port.network_id;
  if (typeof networkId !== 'string' || port.device_owner === 'network:dhcp') return;
  if (!Array.isArray(port.fixed_ips) || port.fixed_ips.length === 0) return;
  for (const host of dhcpHosts(deps))
    await send(deps, host, AgentMethod.networkUpdate, { network_id: networkId, reason: 'dhcp_hosts' });
}

/** A port was deleted (its last API view): its host unplugs it. */
export async function portDeleted(deps: NetworkDeps, port: Record<string, unknown>): Promise<void> {
  await dhcpHostsChanged(deps, port);
  const host = hostOf(port);
  if (!host) return;
  await send(deps, host, AgentMethod.portDelete, {
    port_id: port.id,
    network_id: port.network_id,
    mac_address: port.mac_address,
  });
}

/** A router, its interfaces, gateway, routes or floating IPs changed (or it was deleted). */
export async function routerChanged(deps: NetworkDeps, routerId: string): Promise<void> {
  for (const host of l3Hosts(deps)) await send(deps, host, AgentMethod.routerUpdate, { router_id: routerId });
}

/** A network or one of its subnets changed (or was deleted): DHCP and the segment are re-realized. */
export async function networkChanged(deps: NetworkDeps, networkId: string): Promise<void> {
  for (const host of dhcpHosts(deps)) await send(deps, host, AgentMethod.networkUpdate, { network_id: networkId });
}

/** An external network appeared: the L3 hosts wire its bridge before any router uses it. */
export async function externalNetworkChanged(deps: NetworkDeps, networkId: string): Promise<void> {
  for (const host of l3Hosts(deps)) await send(deps, host, AgentMethod.networkUpdate, { network_id: networkId });
}

/** The host whose agent realizes routers. One configured host today; a scheduler may return several later. */
export function l3Hosts(deps: NetworkDeps): string[] {
  return [networkHost(deps.config)];
}

/** The host(s) whose agent serves DHCP and metadata for networks. */
export function dhcpHosts(deps: NetworkDeps): string[] {
  return [networkHost(deps.config)];
}

/** The host name the all-in-one's agent runs as (config `network.host`, else the machine's name). */
export function networkHost(config: NetworkDeps['config']): string {
  return config.network.host || defaultHost;
}

const defaultHost = hostname();

function hostOf(port: Record<string, unknown>): string {
  const host = port['binding:host_id'];
  return typeof host === 'string' ? host : '';
}

async function send(deps: NetworkDeps, host: string, method: string, payload: unknown): Promise<void> {
  try {
    await deps.bus.cast({ topic: AGENT_TOPIC, server: host }, method, payload);
  } catch (err) {
    // No agent on that host now: it gets the change from its full sync on start.
    if (err instanceof NoConsumer) deps.log.debug({ host, method }, 'no network agent consumes this host');
    else deps.log.warn({ err, host, method }, 'cannot notify the network agent');
  }
}

/**
 * A security group's rules changed: every bound port in it, or in a group with a rule whose remote group it
 * is, is re-sent to its host, whose dataplane re-applies that port's filter. `membersOnly`: only its
 * membership changed, so only the ports of the groups that name it as remote.
 */
export async function securityGroupChanged(
  deps: NetworkDeps,
  groupId: string,
  opts: { membersOnly?: boolean } = {},
): Promise<void> {
  try {
    const referring = await deps.db
      .selectFrom('security_group_rules')
      .select('security_group_id')
      .where('remote_group_id', '=', groupId)
      .execute();
    const groups = [...new Set([...(opts.membersOnly ? [] : [groupId]), ...referring.map((r) => r.security_group_id)])];
    if (groups.length === 0) return;
    const ports = await deps.db
      .selectFrom('ports')
      .innerJoin('port_security_group_bindings', 'port_security_group_bindings.port_id', 'ports.id')
      .select(['ports.id', 'ports.network_id', 'ports.binding_host_id'])
      .where('port_security_group_bindings.security_group_id', 'in', groups)
      .where('ports.binding_host_id', '!=', '')
      .distinct()
      .execute();
    for (const p of ports)
      await send(deps, p.binding_host_id, AgentMethod.portUpdate, {
        port: { id: p.id, network_id: p.network_id, 'binding:host_id': p.binding_host_id },
        reason: 'filter',
      });
  } catch (err) {
    deps.log.warn({ err, security_group_id: groupId }, 'cannot notify the network agents of a group change');
  }
}
