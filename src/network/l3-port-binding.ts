import { l3Hosts, portChanged, portDeleted } from './agent-notify.ts';
import type { NetworkDeps } from './deps.ts';
import type { NetworkDb } from './tables.ts';

/**
 * Neutron's L3 agent binds a router's ports (interfaces and gateway) to its own host when it takes the router;
 * the L2 side of that host then wires them and reports them ACTIVE. Strata has one L3 host, so the ports are
 * bound to it as they are made, and its agent is told after the transaction commits.
 */
export function l3Host(deps: NetworkDeps): string {
  return l3Hosts(deps)[0] ?? '';
}

/** Binds a router port to the L3 host, in `trx` (a port already bound elsewhere keeps its host). */
export async function bindRouterPort(trx: NetworkDb, deps: NetworkDeps, portId: string): Promise<void> {
  await trx
    .updateTable('ports')
    .set({ binding_host_id: l3Host(deps) })
    .where('id', '=', portId)
    .where('binding_host_id', '=', '')
    .execute();
}

/** After commit: the L3 host's agent wires a router port that appeared and unplugs one that went away. */
export async function routerPortsChanged(
  deps: NetworkDeps,
  before: { id: string; network_id?: string } | null,
  after: string | null,
): Promise<void> {
  const host = l3Host(deps);
  if (before && before.id !== after)
    await portDeleted(deps, { id: before.id, network_id: before.network_id, 'binding:host_id': host });
  if (after && after !== before?.id) await portChanged(deps, { id: after, 'binding:host_id': host });
}
