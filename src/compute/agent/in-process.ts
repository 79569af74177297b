import type { ComputeDeps } from '../deps.ts';

// STUB (task D replaces this file): one compute agent per configured host, with the configured driver.
export function inProcessComputeAgents(_deps: ComputeDeps): {
  start(): Promise<void>;
  stop(): Promise<void>;
  describe(): string;
} {
  return { start: async () => {}, stop: async () => {}, describe: () => 'no compute agents yet' };
}
