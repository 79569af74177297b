import type { FakeInstance } from './store.ts';

/**
 * Fake drivers of this process by host name: what a fake live migration moves an instance through. Only
 * in-process agents can reach each other this way, which is all the fake is for.
 */
export interface FakeHostHandle {
  /** Takes over an instance migrated from another host (persisted before it resolves). */
  adopt(instance: FakeInstance): Promise<void>;
}

const hosts = new Map<string, FakeHostHandle>();

export function registerFakeHost(host: string, handle: FakeHostHandle): void {
  hosts.set(host, handle);
}

/** Removes `host` only if `handle` is still the one registered (a replacement agent may have taken over). */
export function unregisterFakeHost(host: string, handle: FakeHostHandle): void {
  if (hosts.get(host) === handle) hosts.delete(host);
}

export function fakeHost(host: string): FakeHostHandle | undefined {
  return hosts.get(host);
}
