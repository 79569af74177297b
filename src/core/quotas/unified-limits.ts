import type { FastifyBaseLogger } from 'fastify';
import { type Bus, NoConsumer } from '../bus/bus.ts';
import { ApiError } from '../errors.ts';

/** Identity answers `effective_limits` on this topic: the limits of one project for one service type. */
export const LIMITS_TOPIC = 'identity.limits';
export const LIMITS_METHOD = 'effective_limits';

export interface LimitsQuery {
  service_type: string;
  project_id: string;
}

/**
 * A service's view of Keystone's unified limits (registered defaults and per-project overrides), as Glance
 * and Nova read them through oslo.limit. Answers are cached briefly and dropped on any limit write that
 * identity announces, so an admin's change applies to the next request. A resource with no limit
 * registered is unlimited.
 */
export class UnifiedLimits {
  readonly #cache = new Map<string, { limits: Record<string, number>; until: number }>();
  readonly #bus: Bus;
  readonly #serviceType: string;
  readonly #log: FastifyBaseLogger;
  readonly #ttlMs: number;
  #warned = false;

  constructor(bus: Bus, serviceType: string, log: FastifyBaseLogger, ttlMs = 30_000) {
    this.#bus = bus;
    this.#serviceType = serviceType;
    this.#log = log;
    this.#ttlMs = ttlMs;
    bus.listenNotifications('identity.', (n) => {
      if (/limit|service/.test(n.event_type)) this.#cache.clear();
    });
  }

  /** The limit of `resource` for `projectId`, or undefined when none is registered. */
  async limitOf(projectId: string, resource: string): Promise<number | undefined> {
    return (await this.#limitsOf(projectId))[resource];
  }

  async #limitsOf(projectId: string): Promise<Record<string, number>> {
    const hit = this.#cache.get(projectId);
    if (hit && hit.until > Date.now()) return hit.limits;
    let limits: Record<string, number>;
    try {
      const query: LimitsQuery = { service_type: this.#serviceType, project_id: projectId };
      limits = await this.#bus.call<Record<string, number>>({ topic: LIMITS_TOPIC }, LIMITS_METHOD, query);
    } catch (err) {
      // A node without identity on its bus cannot enforce limits; say so once rather than refuse all work.
      if (!(err instanceof NoConsumer)) throw err;
      if (!this.#warned)
        this.#log.warn(`${this.#serviceType}: no identity service answers limit queries; not enforcing limits`);
      this.#warned = true;
      return {};
    }
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(projectId, { limits, until: Date.now() + this.#ttlMs });
    return limits;
  }
}

/**
 * oslo.limit's check: refuses (413, as Glance and Nova answer) when `usage + delta` would pass the limit.
 * With delta 0 it refuses only a project already over its limit: how sizes known after an upload are checked.
 */
export function enforceLimit(
  projectId: string,
  resource: string,
  limit: number | undefined,
  usage: number,
  delta: number,
): void {
  if (limit === undefined) return;
  if (usage + delta > limit)
    throw new ApiError(
      413,
      'Request Entity Too Large',
      `Project ${projectId} is over a limit for ${resource}: limit ${limit}, current usage ${usage}, requested ${delta}.`,
    );
}
