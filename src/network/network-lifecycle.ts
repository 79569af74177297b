import type { NetworkDeps } from './deps.ts';
import { conflict } from './errors.ts';
import { deleteInternalPort } from './port-create.ts';
import { deleteSubnetRow } from './store/subnets.ts';
import type { NetworkDb } from './tables.ts';

/** Ports the network's own services create, which go with it (Neutron's AUTO_DELETE_PORT_OWNERS). */
const AUTO_DELETE_OWNERS = ['network:dhcp', 'network:router_ha_interface'];

/**
 * What the other resource families do, inside the delete's transaction, when a network goes: refuse while
 * ports other than the network's own (DHCP) are in use (409 NetworkInUse), then remove those ports, the subnets
 * and their allocations. Each family adds its call here.
 */
export async function beforeNetworkDelete(trx: NetworkDb, deps: NetworkDeps, networkId: string): Promise<void> {
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
