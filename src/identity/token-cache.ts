import { REVOCATION_TOPIC } from '../core/auth/auth-cache.ts';
import type { Bus } from '../core/bus/bus.ts';

/**
 * Short-lived memo of work that depends on identity data (validated tokens, catalogs), as Keystone caches
 * token validation. Emptied whenever tokens may have changed (the `auth.revoked` fanout every revocation,
 * grant and membership change sends) and on any identity write notification, so a cached entry is never
 * staler than the last write; the TTL only bounds memory and clock-based expiry.
 */
export class IdentityCache<T> {
  readonly #entries = new Map<string, { value: T; until: number }>();
  readonly #ttlMs: number;
  readonly #max: number;

  constructor(bus: Bus, opts: { ttlMs: number; max?: number; clearOn?: (eventType: string) => boolean }) {
    this.#ttlMs = opts.ttlMs;
    this.#max = opts.max ?? 10000;
    bus.listenFanout(REVOCATION_TOPIC, { revoked: () => this.clear() });
    const clearOn = opts.clearOn;
    if (clearOn) bus.listenNotifications('identity.', (n) => (clearOn(n.event_type) ? this.clear() : undefined));
  }

  get(key: string, now = Date.now()): T | undefined {
    const hit = this.#entries.get(key);
    return hit && hit.until > now ? hit.value : undefined;
  }

  /** Caches `value` until the TTL or `until` (e.g. the token's own expiry), whichever is sooner. */
  set(key: string, value: T, until = Number.POSITIVE_INFINITY): void {
    if (this.#entries.size >= this.#max) this.#entries.clear();
    this.#entries.set(key, { value, until: Math.min(Date.now() + this.#ttlMs, until) });
  }

  clear(): void {
    this.#entries.clear();
  }
}
