import type { Caller } from './access.ts';
import type { NetworkDeps } from './deps.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import { bindRouterPort } from './l3-port-binding.ts';
import { createInternalPort, deleteInternalPort } from './port-create.ts';
import type { GatewayInfo } from './router-view.ts';
import { findVisibleNetwork } from './store/networks.ts';
import { fixedIpsOf, ROUTER_GATEWAY, subnetsOfNetwork } from './store/routers.ts';
import type { NetworkDb, RouterRow } from './tables.ts';

/** Neutron's `BadRequest(resource=..., msg=...)` wording. */
export function badResource(resource: string, msg: string) {
  return badRequest(`Bad ${resource} request: ${msg}.`, 'BadRequest');
}

/**
 * Sets, changes or clears a router's external gateway inside `trx`: the gateway is a port on the external
 * network (project '' as in Neutron, so no project sees or counts it) owned by the router. Returns the router
 * columns to write.
 */
export async function applyGateway(
  trx: NetworkDb,
  deps: NetworkDeps,
  caller: Caller,
  router: RouterRow,
  info: GatewayInfo | null,
): Promise<Partial<RouterRow>> {
  if (info === null) {
    if (router.gw_port_id) await removeGatewayPort(trx, deps, router);
    return { gw_port_id: null, gw_network_id: null, enable_snat: 1 };
  }
  const network = await findVisibleNetwork(trx, caller, info.network_id);
  if (!network) throw notFound('network', info.network_id);
  if (!network.external) throw badResource('router', `Network ${info.network_id} is not an external network`);
  const subnets = await subnetsOfNetwork(trx, network.id);
  for (const ip of info.external_fixed_ips ?? [])
    if (ip.ip_address && subnets.some((s) => s.gateway_ip === ip.ip_address))
      throw badResource('router', `External IP ${ip.ip_address} is the same as the gateway IP`);
  const enableSnat = info.enable_snat ?? true;

  if (router.gw_port_id && router.gw_network_id === network.id) {
    const current = (await fixedIpsOf(trx, [router.gw_port_id])).get(router.gw_port_id) ?? [];
    const wanted = info.external_fixed_ips;
    const same =
      wanted === undefined ||
      wanted.every((w) =>
        current.some(
          (c) => (!w.subnet_id || w.subnet_id === c.subnet_id) && (!w.ip_address || w.ip_address === c.ip_address),
        ),
      );
    if (same) return { enable_snat: enableSnat ? 1 : 0 };
    // New addresses on the same network: floating IPs keep working through the same router, so no in-use check.
    await deleteInternalPort(trx, deps, router.gw_port_id);
  } else if (router.gw_port_id) {
    await removeGatewayPort(trx, deps, router);
  }
  const port = await createInternalPort(trx, deps, {
    network_id: network.id,
    project_id: '',
    device_owner: ROUTER_GATEWAY,
    device_id: router.id,
    fixed_ips: info.external_fixed_ips,
    admin_state_up: true,
    security_groups: null,
  });
  await bindRouterPort(trx, deps, port.id);
  return { gw_port_id: port.id, gw_network_id: network.id, enable_snat: enableSnat ? 1 : 0 };
}

/** Removes the gateway port, refusing while floating IPs on that network reach their ports through it. */
export async function removeGatewayPort(trx: NetworkDb, deps: NetworkDeps, router: RouterRow): Promise<void> {
  if (!router.gw_port_id || !router.gw_network_id) return;
  const used = await trx
    .selectFrom('floatingips')
    .select('id')
    .where('router_id', '=', router.id)
    .where('floating_network_id', '=', router.gw_network_id)
    // A floating IP whose port is gone no longer needs the gateway (port forwardings have no fixed port).
    .where((eb) =>
      eb.or([eb('fixed_port_id', 'is', null), eb('fixed_port_id', 'in', eb.selectFrom('ports').select('ports.id'))]),
    )
    .executeTakeFirst();
  if (used)
    throw conflict(
      'RouterExternalGatewayInUseByFloatingIp',
      `Gateway cannot be updated for router ${router.id}, since a gateway to external network ${router.gw_network_id} is required by one or more floating IPs.`,
    );
  await deleteInternalPort(trx, deps, router.gw_port_id);
}
