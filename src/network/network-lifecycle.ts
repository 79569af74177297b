import type { NetworkDeps } from './deps.ts';
import { conflict } from './errors.ts';
import { hasTable } from './installed-tables.ts';
import { deleteInternalPort } from './port-create.ts';
import { deleteFloatingIpRow } from './store/floating-ips.ts';
import { deleteSubnetRow } from './store/subnets.ts';
import type { NetworkDb } from './tables.ts';

/** Ports the network's own services create, which go with it (Neutron's AUTO_DELETE_PORT_OWNERS). */
const AUTO_DELETE_OWNERS = ['network:dhcp', 'network:router_ha_interface'];

/**
 * What the other resource families do, inside the delete's transaction, when a network goes: drop the external
 * network's unassociated floating IPs (as Neutron does), refuse while ports other than the network's own (DHCP)
 * are in use (409 NetworkInUse), then remove those ports, the subnets and their allocations. Each family adds
 * its call here.
 */
export async function beforeNetworkDelete(trx: NetworkDb, deps: NetworkDeps, networkId: string): Promise<void> {
  await deleteDisassociatedFloatingIps(trx, deps, networkId);
  const ports = await trx
    .selectFrom('ports')
    .select(['id', 'device_owner'])
    .where('network_id', '=', networkId)
    .execute();
  if (ports.some((p) => !AUTO_DELETE_OWNERS.includes(p.device_owner)))
    throw conflict(
      'NetworkInUse',
      `Unable to complete operation on network ${networkId}. There are one or more ports still in use on the network.`,
    );
  for (const p of ports) await deleteInternalPort(trx, deps, p.id);
  const subnets = await trx.selectFrom('subnets').select('id').where('network_id', '=', networkId).execute();
  for (const s of subnets) await deleteSubnetRow(trx, s.id);
}

/** Neutron's delete_disassociated_floatingips: an associated floating IP keeps the network in use. */
async function deleteDisassociatedFloatingIps(trx: NetworkDb, deps: NetworkDeps, networkId: string): Promise<void> {
  if (!(await hasTable(trx, deps, 'floatingips'))) return;
  const fips = await trx
    .selectFrom('floatingips')
    .select(['id', 'floating_port_id'])
    .where('floating_network_id', '=', networkId)
    .where('fixed_port_id', 'is', null)
    .where('router_id', 'is', null) // a port forwarding's floating IP has a router and stays
    .execute();
  for (const fip of fips) {
    await deleteFloatingIpRow(trx, fip.id);
    await deleteInternalPort(trx, deps, fip.floating_port_id);
  }
}
