import type { ComputeBase } from '../deps.ts';
import type { NetworkClient } from './types.ts';

// STUB (task E replaces this file): the Networking client over HTTP with the compute service token.
export function createNetworkClient(_base: ComputeBase): NetworkClient {
  const missing = async (): Promise<never> => {
    throw new Error('network client not implemented yet');
  };
  return {
    validateRequested: missing,
    allocatePorts: missing,
    bindPorts: missing,
    deallocatePorts: missing,
    networkInfo: missing,
    request: missing,
  };
}
