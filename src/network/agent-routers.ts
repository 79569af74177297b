import { fixedIpsOf, networkSpecs } from './agent-specs.ts';
import type { NetworkSpec, RouterInterfaceSpec, RouterSpec } from './drivers/dataplane.ts';
import { ROUTER_INTERFACE } from './store/routers.ts';
import type { NetworkDb, PortRow } from './tables.ts';

/**
 * Routers as the L3 host's dataplane realizes them: interfaces (the router's `network:router_interface`
 * ports), the gateway port with `enable_snat`, static routes (extraroute) and the associated floating IPs,
 * each port with its network segment and fixed IPs resolved. `ids` narrows to some routers; all otherwise.
 */
export async function routerSpecsOf(db: NetworkDb, ids?: string[]): Promise<RouterSpec[]> {
  if (ids?.length === 0) return [];
  let q = db.selectFrom('routers').selectAll();
  if (ids) q = q.where('id', 'in', ids);
  const routers = await q.orderBy('id').execute();
  if (routers.length === 0) return [];
  const routerIds = routers.map((r) => r.id);
  const gatewayIds = routers.flatMap((r) => (r.gw_port_id ? [r.gw_port_id] : []));
  const [interfaces, gateways, fips] = await Promise.all([
    db
      .selectFrom('ports')
      .selectAll()
      .where('device_id', 'in', routerIds)
      .where('device_owner', '=', ROUTER_INTERFACE)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    gatewayIds.length ? db.selectFrom('ports').selectAll().where('id', 'in', gatewayIds).execute() : [],
    db
      .selectFrom('floatingips')
      .selectAll()
      .where('router_id', 'in', routerIds)
      .where('fixed_port_id', 'is not', null)
      .where('fixed_ip_address', 'is not', null)
      .orderBy('floating_ip_address')
      .execute(),
  ]);
  const forwardings = await db
    .selectFrom('port_forwardings')
    .innerJoin('floatingips', 'floatingips.id', 'port_forwardings.floatingip_id')
    .select([
      'floatingips.router_id',
      'floatingips.floating_ip_address',
      'port_forwardings.protocol',
      'port_forwardings.internal_ip_address',
      'port_forwardings.internal_port_start',
      'port_forwardings.internal_port_end',
      'port_forwardings.external_port_start',
      'port_forwardings.external_port_end',
    ])
    .where('floatingips.router_id', 'in', routerIds)
    .orderBy('port_forwardings.id')
    .execute();
  const ports = [...interfaces, ...gateways];
  const [networks, fixedIps] = await Promise.all([
    networkSpecs(db, [...new Set(ports.map((p) => p.network_id))]),
    fixedIpsOf(
      db,
      ports.map((p) => p.id),
    ),
  ]);
  const spec = (p: PortRow, network: NetworkSpec): RouterInterfaceSpec => ({
    port_id: p.id,
    mac_address: p.mac_address,
    network,
    fixed_ips: fixedIps.get(p.id) ?? [],
  });
  return routers.map((r) => {
    const gw = gateways.find((p) => p.id === r.gw_port_id);
    const gwNetwork = gw && networks.get(gw.network_id);
    return {
      id: r.id,
      admin_state_up: Boolean(r.admin_state_up),
      interfaces: interfaces.flatMap((p) => {
        const network = networks.get(p.network_id);
        return p.device_id === r.id && network ? [spec(p, network)] : [];
      }),
      gateway: gw && gwNetwork ? { ...spec(gw, gwNetwork), enable_snat: Boolean(r.enable_snat) } : null,
      routes: parseRoutes(r.routes),
      floating_ips: fips
        .filter((f) => f.router_id === r.id)
        .map((f) => ({
          id: f.id,
          floating_ip_address: f.floating_ip_address,
          fixed_ip_address: f.fixed_ip_address as string,
          port_id: f.fixed_port_id as string,
        })),
      port_forwardings: forwardings.filter((f) => f.router_id === r.id).map(({ router_id: _, ...f }) => f),
    };
  });
}

function parseRoutes(text: string): { destination: string; nexthop: string }[] {
  try {
    const v = JSON.parse(text || '[]');
    return Array.isArray(v)
      ? v.filter((x) => x && typeof x.destination === 'string' && typeof x.nexthop === 'string')
      : [];
  } catch {
    return [];
  }
}
