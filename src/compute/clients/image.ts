import type { ComputeBase } from '../deps.ts';
import type { ImageClient } from './types.ts';

// STUB (task E replaces this file): the Image client over HTTP with the compute service token.
export function createImageClient(_base: ComputeBase): ImageClient {
  const missing = async (): Promise<never> => {
    throw new Error('image client not implemented yet');
  };
  return { show: missing, createSnapshot: missing, delete: missing, fileUrl: () => '', request: missing };
}
