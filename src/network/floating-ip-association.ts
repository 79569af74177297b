import { isIP } from 'node:net';
import { ApiError } from '../core/errors.ts';
import type { Caller } from './access.ts';
import { conflict, notFound } from './errors.ts';
import { badResource } from './router-gateway.ts';
import { visiblePorts } from './store/ports.ts';
import { fixedIpsOf, ROUTER_INTERFACE } from './store/routers.ts';
import type { FloatingIpRow, NetworkDb, PortRow } from './tables.ts';

export interface Association {
  fixed_port_id: string | null;
  fixed_ip_address: string | null;
  router_id: string | null;
}

/**
 * Where a floating IP's traffic goes when it is associated with `portId`: the port's fixed IPv4 address (the one
 * given, or its only one) and the router that joins that subnet to the floating IP's external network.
 */
export async function resolveAssociation(
  trx: NetworkDb,
  caller: Caller,
  fip: Pick<FloatingIpRow, 'id' | 'project_id' | 'floating_network_id' | 'floating_ip_address'>,
  portId: string | null,
  fixedIp: string | null | undefined,
): Promise<Association> {
  if (!portId) {
    if (fixedIp) throw badResource('floatingip', 'fixed_ip_address cannot be specified without a port_id');
    return { fixed_port_id: null, fixed_ip_address: null, router_id: null };
  }
  // A network's owner sees other projects' ports on it, so those get the 400 below rather than a 404.
  const port = await visiblePorts(trx, caller).where('ports.id', '=', portId).executeTakeFirst();
  if (!port) throw notFound('port', portId);
  if (port.project_id !== fip.project_id && !caller.isAdmin)
    throw badResource(
      'floatingip',
      `Cannot process floating IP association with Port ${portId}, since that port is owned by a different project`,
    );
  if (port.device_owner.startsWith('network:'))
    throw badResource('floatingip', `Port ${portId} is unable to be assigned a floating IP`);
  const { address, subnetId } = await pickFixedIp(trx, port, fixedIp);
  const routerId = await routerFor(trx, port, subnetId, fip.floating_network_id);
  const taken = await trx
    .selectFrom('floatingips')
    .select('id')
    .where('fixed_port_id', '=', portId)
    .where('fixed_ip_address', '=', address)
    .where('floating_network_id', '=', fip.floating_network_id)
    .where('id', '!=', fip.id)
    .executeTakeFirst();
  if (taken) throw alreadyAssociated(fip, portId, address);
  const forwarded = await trx
    .selectFrom('port_forwardings')
    .select('id')
    .where('floatingip_id', '=', fip.id)
    .executeTakeFirst();
  if (forwarded)
    throw conflict('FipInUseByPortForwarding', `Floating IP ${fip.id} in use by Port Forwarding resources.`);
  return { fixed_port_id: portId, fixed_ip_address: address, router_id: routerId };
}

export function alreadyAssociated(
  fip: Pick<FloatingIpRow, 'id' | 'floating_network_id' | 'floating_ip_address'>,
  portId: string,
  address: string,
): ApiError {
  return conflict(
    'FloatingIPPortAlreadyAssociated',
    `Cannot associate floating IP ${fip.floating_ip_address} (${fip.id}) with port ${portId} using fixed IP ${address}, as that fixed IP already has a floating IP on external network ${fip.floating_network_id}.`,
  );
}

/** The port's IPv4 address a floating IP (or a port forwarding) maps to. */
export async function pickFixedIp(
  trx: NetworkDb,
  port: PortRow,
  fixedIp: string | null | undefined,
  resource = 'floatingip',
): Promise<{ address: string; subnetId: string }> {
  const ips = (await fixedIpsOf(trx, [port.id])).get(port.id) ?? [];
  if (fixedIp) {
    if (isIP(fixedIp) !== 4)
      throw badResource(
        resource,
        `Cannot process floating IP association with ${fixedIp}, since that is not an IPv4 address`,
      );
    const match = ips.find((ip) => ip.ip_address === fixedIp);
    if (!match) throw badResource(resource, `Port ${port.id} does not have fixed ip ${fixedIp}`);
    return { address: match.ip_address, subnetId: match.subnet_id };
  }
  const v4 = ips.filter((ip) => isIP(ip.ip_address) === 4);
  if (v4.length === 0)
    throw badResource(resource, `Cannot add floating IP to port ${port.id} that has no fixed IPv4 addresses`);
  if (v4.length > 1)
    throw badResource(
      resource,
      `Port ${port.id} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when assigning a floating IP`,
    );
  return { address: v4[0].ip_address, subnetId: v4[0].subnet_id };
}

/**
 * A router with an interface on the subnet and its gateway on the external network; the one whose interface
 * holds the subnet's gateway IP is preferred, as Neutron does.
 */
export async function routerFor(
  trx: NetworkDb,
  port: PortRow,
  subnetId: string,
  externalNetworkId: string,
): Promise<string> {
  const rows = await trx
    .selectFrom('ports')
    .innerJoin('ip_allocations', 'ip_allocations.port_id', 'ports.id')
    .innerJoin('routers', 'routers.id', 'ports.device_id')
    .innerJoin('subnets', 'subnets.id', 'ip_allocations.subnet_id')
    .select(['routers.id as router_id', 'ip_allocations.ip_address', 'subnets.gateway_ip'])
    .where('ports.network_id', '=', port.network_id)
    .where('ports.device_owner', '=', ROUTER_INTERFACE)
    .where('ip_allocations.subnet_id', '=', subnetId)
    .where('routers.gw_network_id', '=', externalNetworkId)
    .orderBy('routers.created_at')
    .orderBy('routers.id')
    .execute();
  const preferred = rows.find((r) => r.ip_address === r.gateway_ip) ?? rows[0];
  if (!preferred)
    throw new ApiError(
      404,
      'ExternalGatewayForFloatingIPNotFound',
      `External network ${externalNetworkId} is not reachable from subnet ${subnetId}.  Therefore, cannot associate Port ${port.id} with a Floating IP.`,
    );
  return preferred.router_id;
}
