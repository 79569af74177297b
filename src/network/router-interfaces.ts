import { ApiError } from '../core/errors.ts';
import type { Caller } from './access.ts';
import type { NetworkDeps } from './deps.ts';
import { conflict, notFound } from './errors.ts';
import { cidrsOverlap } from './l3-cidr.ts';
import { bindRouterPort } from './l3-port-binding.ts';
import { createInternalPort, deleteInternalPort } from './port-create.ts';
import { badResource } from './router-gateway.ts';
import { routesVia } from './router-routes.ts';
import type { FixedIp } from './router-view.ts';
import { bumped } from './standard-attrs.ts';
import { findVisibleNetwork } from './store/networks.ts';
import {
  fixedIpsOf,
  interfacePorts,
  ROUTER_INTERFACE,
  type SubnetBrief,
  subnetsByIds,
  subnetsOfNetwork,
} from './store/routers.ts';
import type { NetworkDb, RouterRow } from './tables.ts';

/** What add/remove_router_interface answer (Neutron's router interface info). */
export interface InterfaceInfo {
  id: string;
  tenant_id: string;
  project_id: string;
  port_id: string;
  network_id: string;
  subnet_id: string;
  subnet_ids: string[];
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** `{subnet_id}` or `{port_id}` (both only on removal), each a UUID. */
export function parseInterfaceBody(body: unknown, forRemoval: boolean): { subnetId?: string; portId?: string } {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || Array.isArray(b)) throw badResource('router', 'Body contains invalid data');
  const has = (k: string) => k in b && b[k] !== undefined;
  if (!has('subnet_id') && !has('port_id'))
    throw badResource('router', 'Either subnet_id or port_id must be specified');
  for (const k of ['subnet_id', 'port_id'])
    if (has(k) && (typeof b[k] !== 'string' || !UUID.test(b[k] as string)))
      throw badResource('router', `'${String(b[k])}' is not a valid UUID`);
  if (!forRemoval && has('subnet_id') && has('port_id'))
    throw badResource('router', 'Cannot specify both subnet-id and port-id');
  return { subnetId: b.subnet_id as string | undefined, portId: b.port_id as string | undefined };
}

/** Attaches a subnet (a new port with its gateway IP) or an unbound port to the router, in `trx`. */
export async function addInterface(
  trx: NetworkDb,
  deps: NetworkDeps,
  caller: Caller,
  router: RouterRow,
  target: { subnetId?: string; portId?: string },
): Promise<InterfaceInfo> {
  if (target.portId) return addByPort(trx, deps, caller, router, target.portId);
  const subnet = await visibleSubnet(trx, caller, target.subnetId as string);
  if (!subnet.gateway_ip) throw badResource('router', 'Subnet for router interface must have a gateway IP');
  if (!caller.isAdmin && subnet.project_id !== caller.projectId && !(await rbacShared(trx, caller, subnet)))
    throw badResource(
      'router',
      `Cannot add interface to router because subnet ${subnet.id} is not owned by project making the request`,
    );
  await checkNoOverlap(trx, router, [subnet]);
  const port = await createInternalPort(trx, deps, {
    network_id: subnet.network_id,
    project_id: router.project_id,
    device_owner: ROUTER_INTERFACE,
    device_id: router.id,
    fixed_ips: [{ subnet_id: subnet.id, ip_address: subnet.gateway_ip }],
    admin_state_up: true,
    security_groups: null,
  });
  await bindRouterPort(trx, deps, port.id);
  return info(router.id, port.project_id, port.id, port.network_id, [subnet.id]);
}

async function addByPort(
  trx: NetworkDb,
  deps: NetworkDeps,
  caller: Caller,
  router: RouterRow,
  portId: string,
): Promise<InterfaceInfo> {
  const port = await trx.selectFrom('ports').selectAll().where('id', '=', portId).executeTakeFirst();
  if (!port || (!caller.isAdmin && port.project_id !== caller.projectId)) throw notFound('port', portId);
  if (port.device_id)
    throw conflict(
      'PortInUse',
      `Unable to complete operation on port ${port.id} for network ${port.network_id}. Port already has an attached device ${port.device_id}.`,
    );
  const ips = (await fixedIpsOf(trx, [port.id])).get(port.id) ?? [];
  if (ips.length === 0) throw badResource('router', 'Router port must have at least one fixed IP');
  const subnets = [
    ...(
      await subnetsByIds(
        trx,
        ips.map((ip) => ip.subnet_id),
      )
    ).values(),
  ];
  await checkNoOverlap(trx, router, subnets);
  if (subnets.filter((s) => s.ip_version === 4).length > 1)
    throw badResource('router', 'Cannot have multiple IPv4 subnets on router port');
  await trx
    .updateTable('ports')
    .set({ device_id: router.id, device_owner: ROUTER_INTERFACE, ...bumped(port) })
    .where('id', '=', port.id)
    .execute();
  await bindRouterPort(trx, deps, port.id);
  return info(
    router.id,
    port.project_id,
    port.id,
    port.network_id,
    subnets.map((s) => s.id),
  );
}

/** Detaches an interface by port or by subnet; its port is deleted (as Neutron does, even a port the user made). */
export async function removeInterface(
  trx: NetworkDb,
  deps: NetworkDeps,
  caller: Caller,
  router: RouterRow,
  target: { subnetId?: string; portId?: string },
): Promise<InterfaceInfo> {
  const ports = await interfacePorts(trx, router.id);
  let port: (typeof ports)[number] | undefined;
  if (target.portId) {
    port = ports.find((p) => p.id === target.portId);
    if (!port)
      throw new ApiError(
        404,
        'RouterInterfaceNotFound',
        `Router ${router.id} does not have an interface with id ${target.portId}`,
      );
    if (target.subnetId && !port.fixed_ips.some((ip) => ip.subnet_id === target.subnetId))
      throw badRequestMismatch(port.id, target.subnetId);
  } else {
    const subnet = await visibleSubnet(trx, caller, target.subnetId as string);
    port = ports.find((p) => p.fixed_ips.some((ip) => ip.subnet_id === subnet.id));
    if (!port)
      throw new ApiError(
        404,
        'RouterInterfaceNotFoundForSubnet',
        `Router ${router.id} has no interface on subnet ${subnet.id}`,
      );
  }
  const subnets = await subnetsByIds(
    trx,
    port.fixed_ips.map((ip) => ip.subnet_id),
  );
  for (const subnet of subnets.values()) await checkNotInUse(trx, router, subnet);
  await deleteInternalPort(trx, deps, port.id);
  return info(router.id, port.project_id, port.id, port.network_id, [...subnets.keys()]);
}

function badRequestMismatch(portId: string, subnetId: string): ApiError {
  return new ApiError(400, 'SubnetMismatchForPort', `Subnet ${subnetId} could not be found on port ${portId}`);
}

function info(routerId: string, projectId: string, portId: string, networkId: string, subnetIds: string[]) {
  return {
    id: routerId,
    tenant_id: projectId,
    project_id: projectId,
    port_id: portId,
    network_id: networkId,
    subnet_id: subnetIds[0] ?? '',
    subnet_ids: subnetIds,
  };
}

async function visibleSubnet(trx: NetworkDb, caller: Caller, subnetId: string): Promise<SubnetBrief> {
  const subnet = (await subnetsByIds(trx, [subnetId])).get(subnetId);
  if (!subnet) throw notFound('subnet', subnetId);
  if (!caller.isAdmin && subnet.project_id !== caller.projectId) {
    if (!(await findVisibleNetwork(trx, caller, subnet.network_id))) throw notFound('subnet', subnetId);
  }
  return subnet;
}

/** A network shared with the caller's project by a project-specific RBAC policy (not the global '*'). */
async function rbacShared(trx: NetworkDb, caller: Caller, subnet: SubnetBrief): Promise<boolean> {
  const row = await trx
    .selectFrom('network_rbacs')
    .select('id')
    .where('object_type', '=', 'network')
    .where('object_id', '=', subnet.network_id)
    .where('action', '=', 'access_as_shared')
    .where('target_project', '=', caller.projectId)
    .executeTakeFirst();
  return row !== undefined;
}

/** A router may not join two overlapping subnets, nor the same subnet twice (including its gateway's). */
async function checkNoOverlap(trx: NetworkDb, router: RouterRow, added: SubnetBrief[]): Promise<void> {
  const ports = await interfacePorts(trx, router.id);
  const ids = ports.flatMap((p) => p.fixed_ips.map((ip: FixedIp) => ip.subnet_id));
  for (const s of added)
    if (ids.includes(s.id)) throw badResource('router', `Router already has a port on subnet ${s.id}`);
  const existing = [...(await subnetsByIds(trx, ids)).values()];
  if (router.gw_network_id) existing.push(...(await subnetsOfNetwork(trx, router.gw_network_id)));
  for (const old of existing)
    for (const s of added)
      if (cidrsOverlap(old.cidr, s.cidr))
        throw badResource(
          'router',
          `Cidr ${s.cidr} of subnet ${s.id} overlaps with cidr ${old.cidr} of subnet ${old.id}`,
        );
}

/**
 * Floating IPs (and port forwardings) whose port still has an address on this subnet, and routes through it,
 * keep its interface.
 */
async function checkNotInUse(trx: NetworkDb, router: RouterRow, subnet: SubnetBrief): Promise<void> {
  const onSubnet = trx.selectFrom('ip_allocations').select('port_id').where('subnet_id', '=', subnet.id);
  const fip = await trx
    .selectFrom('floatingips')
    .select('id')
    .where('router_id', '=', router.id)
    .where('fixed_port_id', 'in', onSubnet)
    .executeTakeFirst();
  const pf = await trx
    .selectFrom('port_forwardings')
    .innerJoin('floatingips', 'floatingips.id', 'port_forwardings.floatingip_id')
    .select('port_forwardings.id')
    .where('floatingips.router_id', '=', router.id)
    .where('port_forwardings.internal_port_id', 'in', onSubnet)
    .executeTakeFirst();
  if (fip || pf)
    throw conflict(
      'RouterInterfaceInUseByFloatingIP',
      `Router interface for subnet ${subnet.id} on router ${router.id} cannot be deleted, as it is required by one or more floating IPs.`,
    );
  if (routesVia(router, subnet.cidr).length > 0)
    throw conflict(
      'RouterInterfaceInUseByRoute',
      `Router interface for subnet ${subnet.id} on router ${router.id} cannot be deleted, as it is required by one or more routes.`,
    );
}
