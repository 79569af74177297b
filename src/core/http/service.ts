import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Kysely, Migration } from 'kysely';
import type { AuthContext, TokenValidator } from '../auth/context.ts';
import type { Bus } from '../bus/bus.ts';
import type { Config } from '../config.ts';
import type { DbKind } from '../db/database.ts';
import type { ApiError } from '../errors.ts';
import type { PolicyRule } from '../policy/enforcer.ts';

/** What the Fastify app of one service is: a plain instance, encapsulated under the service's prefix. */
export type ServiceApp = FastifyInstance;

/** The shape every service module exports from its `index.ts`. */
export interface ServiceModule<I extends ServiceInstance = ServiceInstance> {
  /** Short name: 'identity', 'compute'; also names its migration table and log child. */
  name: string;
  /** URL prefix on the shared listener: '/identity'. */
  prefix: string;
  /** Its entry in the Identity catalog; the endpoint URL is <public URL><prefix><path>. */
  catalog?: { type: string; name: string; path: string };
  migrations: Record<string, Migration>;
  /** Default policy rules (OpenStack's names); the configured policy file may override any of them. */
  policies: readonly PolicyRule[];
  /** The OpenStack error body this service answers with. */
  errorBody(err: ApiError): unknown;
  /** Builds the service once the database is migrated. */
  create(deps: ServiceDeps): Promise<I>;
}

export interface ServiceInstance {
  routes(app: ServiceApp): void | Promise<void>;
  /** Identity offers this to every other service in the same process. */
  tokenValidator?: TokenValidator;
  /** Lines for the start-up banner: 'drivers: ...'. */
  describe?(): string[];
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

export interface ServiceDeps {
  config: Config;
  // biome-ignore lint/suspicious/noExplicitAny: each service narrows to its own tables.
  db: Kysely<any>;
  dbKind: DbKind;
  bus: Bus;
  log: FastifyBaseLogger;
  /** The base URL clients reach this cloud at (known once the listener is bound). */
  publicUrl(): string;
  /** Every service of this cloud as the Identity catalog should list it. */
  catalog(): { type: string; name: string; url: string }[];
}

/** Per-route options a service sets in `config`. */
export interface RouteFlags {
  /** No X-Auth-Token needed (version documents, POST /auth/tokens). */
  public?: boolean;
}

export interface RequestContext {
  /** Present on every route not marked public; `requireAuth()` when a public route needs it after all. */
  auth?: AuthContext;
  requireAuth(): AuthContext;
  /** Throws Forbidden (or Unauthorized without a token) unless the policy rule allows the call. */
  enforce(rule: string, target?: Record<string, unknown>): void;
  /** The same check without throwing, for filtering lists. */
  allowed(rule: string, target?: Record<string, unknown>): boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
  }
  interface FastifyContextConfig {
    public?: boolean;
  }
}
