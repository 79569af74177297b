import type { NetworkDeps } from './deps.ts';
import type { NetworkDb } from './tables.ts';

/**
 * What the other resource families do, inside the delete's transaction, when a network goes: refuse while
 * ports other than the network's own (DHCP, router gateway) are in use (409 NetworkInUse), then remove those
 * ports, the subnets and their allocations. Each family adds its call here.
 */
export async function beforeNetworkDelete(trx: NetworkDb, deps: NetworkDeps, networkId: string): Promise<void> {
  void trx;
  void deps;
  void networkId;
}
