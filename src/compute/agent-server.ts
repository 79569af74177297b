import type { Subscription } from '../core/bus/bus.ts';
import type { ComputeDeps } from './deps.ts';

// STUB (task C replaces this file): the server's side of the agent RPC (topic `compute`).
export function serveComputeAgents(_deps: ComputeDeps): Subscription {
  return { unsubscribe() {} };
}
