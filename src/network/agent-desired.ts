import { routerSpecsOf } from './agent-routers.ts';
import { fixedIpsOf, networkSpecs } from './agent-specs.ts';
import type { DesiredState, DhcpSpec, NetworkSpec, PortSpec, SecurityRuleSpec } from './drivers/dataplane.ts';
import type { NetworkDb, PortRow, SubnetRow } from './tables.ts';

/**
 * The server's answer to "what must this host realize?": ports bound to it, their networks, and (on the hosts
 * that serve DHCP) each DHCP network's subnets and hosts entries — all resolved, so the agent's driver never
 * reads the database. `only` narrows the answer to some ports or networks (one change) instead of everything.
 *
 * On the L3 host (`servesL3`) it also carries every router (agent-routers.ts) and the networks they touch.
 */
export interface DesiredFilter {
  port_ids?: string[];
  network_ids?: string[];
  router_ids?: string[];
}

export async function desiredStateOf(
  db: NetworkDb,
  host: string,
  opts: { servesDhcp: boolean; servesL3?: boolean; only?: DesiredFilter },
): Promise<DesiredState> {
  const only = opts.only;
  let portQuery = db.selectFrom('ports').selectAll().where('binding_host_id', '=', host);
  if (only) {
    const ids = only.port_ids ?? [];
    if (ids.length === 0) portQuery = portQuery.where('id', '=', '');
    else portQuery = portQuery.where('id', 'in', ids);
  }
  const portRows = await portQuery.orderBy('id').execute();

  const dhcpNetworkIds = opts.servesDhcp ? await dhcpNetworks(db, only ? (only.network_ids ?? []) : undefined) : [];
  const routers = opts.servesL3 ? await routerSpecsOf(db, only ? (only.router_ids ?? []) : undefined) : [];
  const routerNetworkIds = routers.flatMap((r) => [
    ...r.interfaces.map((i) => i.network.id),
    ...(r.gateway ? [r.gateway.network.id] : []),
  ]);
  // The L3 host keeps every external network's bridge, routers or not (Neutron's br-ex).
  const externalIds = opts.servesL3 && !only ? await externalNetworks(db) : [];
  const networkIds = unique([
    ...portRows.map((p) => p.network_id),
    ...dhcpNetworkIds,
    ...routerNetworkIds,
    ...externalIds,
    ...(only?.network_ids ?? []),
  ]);
  const networks = await networkSpecs(db, networkIds);

  const ports = await portSpecs(db, portRows, networks);
  const dhcp = await dhcpSpecs(db, dhcpNetworkIds, networks);
  return {
    host,
    networks: [...networks.values()],
    ports,
    dhcp,
    routers,
    metadata: dhcp.map((d) => ({ network_id: d.network.id, router_id: null })),
  };
}

async function externalNetworks(db: NetworkDb): Promise<string[]> {
  return (await db.selectFrom('networks').select('id').where('external', '=', 1).execute()).map((r) => r.id);
}

/** Networks with at least one DHCP-enabled subnet (all of them, or among `ids`). */
async function dhcpNetworks(db: NetworkDb, ids?: string[]): Promise<string[]> {
  if (ids?.length === 0) return [];
  let q = db.selectFrom('subnets').select('network_id').distinct().where('enable_dhcp', '=', 1);
  if (ids) q = q.where('network_id', 'in', ids);
  return (await q.execute()).map((r) => r.network_id);
}

async function portSpecs(db: NetworkDb, rows: PortRow[], networks: Map<string, NetworkSpec>): Promise<PortSpec[]> {
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const [fixedIps, pairs, groups] = await Promise.all([
    fixedIpsOf(db, ids),
    db.selectFrom('port_allowed_address_pairs').selectAll().where('port_id', 'in', ids).execute(),
    db.selectFrom('port_security_group_bindings').selectAll().where('port_id', 'in', ids).execute(),
  ]);
  const rules = await rulesOf(db, unique(groups.map((g) => g.security_group_id)));
  return rows.flatMap((r) => {
    const network = networks.get(r.network_id);
    if (!network) return [];
    const groupIds = groups.filter((g) => g.port_id === r.id).map((g) => g.security_group_id);
    const secure = Boolean(r.port_security_enabled);
    return [
      {
        id: r.id,
        network,
        mac_address: r.mac_address,
        fixed_ips: fixedIps.get(r.id) ?? [],
        admin_state_up: Boolean(r.admin_state_up),
        device_id: r.device_id,
        device_owner: r.device_owner,
        port_security_enabled: secure,
        allowed_address_pairs: pairs
          .filter((p) => p.port_id === r.id)
          .map((p) => ({ ip_address: p.ip_address, mac_address: p.mac_address || r.mac_address })),
        security_group_ids: groupIds,
        security_group_rules: secure ? groupIds.flatMap((g) => rules.get(g) ?? []) : [],
        binding_profile: parseObject(r.binding_profile),
        vnic_type: r.binding_vnic_type || 'normal',
      },
    ];
  });
}

/** Each group's rules, a remote group expanded to the addresses of the ports in it. */
async function rulesOf(db: NetworkDb, groupIds: string[]): Promise<Map<string, SecurityRuleSpec[]>> {
  const out = new Map<string, SecurityRuleSpec[]>();
  if (groupIds.length === 0) return out;
  const [rules, groups] = await Promise.all([
    db.selectFrom('security_group_rules').selectAll().where('security_group_id', 'in', groupIds).execute(),
    db.selectFrom('security_groups').select(['id', 'stateful']).where('id', 'in', groupIds).execute(),
  ]);
  const remoteIds = unique(rules.flatMap((r) => (r.remote_group_id ? [r.remote_group_id] : [])));
  const members = new Map<string, string[]>();
  if (remoteIds.length > 0) {
    const rows = await db
      .selectFrom('port_security_group_bindings')
      .innerJoin('ip_allocations', 'ip_allocations.port_id', 'port_security_group_bindings.port_id')
      .select(['port_security_group_bindings.security_group_id as group_id', 'ip_allocations.ip_address'])
      .where('port_security_group_bindings.security_group_id', 'in', remoteIds)
      .execute();
    for (const r of rows) members.set(r.group_id, [...(members.get(r.group_id) ?? []), r.ip_address]);
  }
  const stateful = new Map(groups.map((g) => [g.id, Boolean(g.stateful)]));
  for (const r of rules) {
    const remote = r.remote_group_id
      ? (members.get(r.remote_group_id) ?? [])
          .filter((ip) => ip.includes(':') === (r.ethertype === 'IPv6'))
          .map((ip) => (ip.includes(':') ? `${ip}/128` : `${ip}/32`))
      : r.remote_ip_prefix
        ? [r.remote_ip_prefix]
        : null;
    const list = out.get(r.security_group_id) ?? [];
    list.push({
      direction: r.direction as SecurityRuleSpec['direction'],
      ethertype: r.ethertype as SecurityRuleSpec['ethertype'],
      protocol: r.protocol,
      port_range_min: r.port_range_min,
      port_range_max: r.port_range_max,
      remote_ip_prefixes: remote,
      security_group_id: r.security_group_id,
      stateful: stateful.get(r.security_group_id) ?? true,
    });
    out.set(r.security_group_id, list);
  }
  return out;
}

async function dhcpSpecs(db: NetworkDb, networkIds: string[], networks: Map<string, NetworkSpec>): Promise<DhcpSpec[]> {
  if (networkIds.length === 0) return [];
  const subnets = await db
    .selectFrom('subnets')
    .selectAll()
    .where('network_id', 'in', networkIds)
    .where('enable_dhcp', '=', 1)
    .execute();
  const subnetIds = subnets.map((s) => s.id);
  if (subnetIds.length === 0) return [];
  const [pools, dns, routes, hosts] = await Promise.all([
    db
      .selectFrom('subnet_allocation_pools')
      .selectAll()
      .where('subnet_id', 'in', subnetIds)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('subnet_dns_nameservers')
      .selectAll()
      .where('subnet_id', 'in', subnetIds)
      .orderBy('position')
      .execute(),
    db.selectFrom('subnet_host_routes').selectAll().where('subnet_id', 'in', subnetIds).execute(),
    db
      .selectFrom('ip_allocations')
      .innerJoin('ports', 'ports.id', 'ip_allocations.port_id')
      .select([
        'ports.id',
        'ports.mac_address',
        'ports.dns_name',
        'ports.device_owner',
        'ip_allocations.ip_address',
        'ip_allocations.subnet_id',
      ])
      .where('ip_allocations.subnet_id', 'in', subnetIds)
      .orderBy('ip_allocations.ip_address')
      .execute(),
  ]);
  const subnetSpec = (s: SubnetRow) => ({
    id: s.id,
    cidr: s.cidr,
    ip_version: s.ip_version,
    gateway_ip: s.gateway_ip,
    enable_dhcp: true,
    dns_nameservers: dns.filter((d) => d.subnet_id === s.id).map((d) => d.address),
    host_routes: routes
      .filter((r) => r.subnet_id === s.id)
      .map((r) => ({ destination: r.destination, nexthop: r.nexthop })),
    allocation_pools: pools.filter((p) => p.subnet_id === s.id).map((p) => ({ start: p.first_ip, end: p.last_ip })),
  });
  return networkIds.flatMap((id) => {
    const network = networks.get(id);
    const mine = subnets.filter((s) => s.network_id === id);
    if (!network || mine.length === 0) return [];
    const ids = new Set(mine.map((s) => s.id));
    const entries = hosts.filter((h) => ids.has(h.subnet_id));
    const dhcpPort = entries.find((h) => h.device_owner === 'network:dhcp');
    return [
      {
        network,
        subnets: mine.map(subnetSpec),
        hosts: entries
          .filter((h) => h.device_owner !== 'network:dhcp')
          .map((h) => ({
            port_id: h.id,
            mac_address: h.mac_address,
            ip_address: h.ip_address,
            hostname: h.dns_name || `host-${h.ip_address.replaceAll(/[.:]/g, '-')}`,
          })),
        ...(dhcpPort && {
          dhcp_port: {
            id: dhcpPort.id,
            mac_address: dhcpPort.mac_address,
            fixed_ips: entries
              .filter((h) => h.id === dhcpPort.id)
              .map((h) => {
                const s = mine.find((x) => x.id === h.subnet_id) as SubnetRow;
                return {
                  subnet_id: s.id,
                  ip_address: h.ip_address,
                  cidr: s.cidr,
                  ip_version: s.ip_version,
                  gateway_ip: s.gateway_ip,
                };
              }),
          },
        }),
      },
    ];
  });
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

const unique = <T>(xs: T[]): T[] => [...new Set(xs)];
