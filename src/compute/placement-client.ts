import type { PlacementClient } from './clients/types.ts';
import type { ComputeBase } from './deps.ts';

// STUB (task C replaces this file): the Placement client over HTTP with the compute service token.
export function createPlacementClient(_base: ComputeBase): PlacementClient {
  const missing = async (): Promise<never> => {
    throw new Error('placement client not implemented yet');
  };
  return { candidates: missing, claim: missing, move: missing, release: missing, reportHost: missing };
}
