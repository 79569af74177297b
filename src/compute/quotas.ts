import type { ComputeBase } from './deps.ts';

/** How much of each resource a request would add. */
export interface QuotaDelta {
  instances?: number;
  cores?: number;
  ram?: number;
  key_pairs?: number;
  server_groups?: number;
  server_group_members?: number;
  metadata_items?: number;
}

// STUB (task F replaces the body): Nova counts usage from its tables (instances, cores and ram of the project's
// undeleted servers; key pairs per user) and throws `quotaExceeded` (403) when `delta` would pass a limit.
export async function checkQuota(
  _deps: ComputeBase,
  _owner: { project_id: string; user_id: string },
  _delta: QuotaDelta,
): Promise<void> {}
