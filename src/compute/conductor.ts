import type { Conductor } from './conductor-contract.ts';
import type { ComputeDeps } from './deps.ts';

// STUB (task C replaces this file).
export function createConductor(_deps: ComputeDeps): Conductor {
  const missing = async (): Promise<never> => {
    throw new Error('conductor not implemented yet');
  };
  return {
    build: missing,
    act: missing,
    resize: missing,
    unshelve: missing,
    liveMigrate: missing,
    destroy: missing,
    callAgent: missing,
  };
}
