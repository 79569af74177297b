import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from '../core/bus/bus.ts';
import type { Config } from '../core/config.ts';
import type { CatalogEntry } from './catalog.ts';
import type { RevocationList } from './revocations.ts';
import type { ServiceProviderRef } from './store/federation-service-providers.ts';
import type { IdentityDb } from './tables.ts';
import type { IdentityCache } from './token-cache.ts';
import type { TokenData } from './token-model.ts';

/** What every identity route and logic module is given; built once in index.ts. */
export interface IdentityDeps {
  db: IdentityDb;
  config: Config;
  bus: Bus;
  log: FastifyBaseLogger;
  /** Absolute URL under /identity/v3 for `links.self`. */
  url(path: string): string;
  /** The Fernet keys, primary first; reloaded after rotation. */
  keys(): readonly string[];
  revocations: RevocationList;
  /** Validated tokens (not `allow_expired` ones), keyed by token. */
  validated: IdentityCache<TokenData>;
  /** Built catalogs, keyed by project id ('' unscoped). */
  catalogs: IdentityCache<CatalogEntry[]>;
  /** The enabled K2K service providers every token lists (one entry, key ''). */
  serviceProviders: IdentityCache<ServiceProviderRef[]>;
  /** A hash of nothing, checked when the user is unknown so timing does not reveal user names. */
  dummyHash(): Promise<string>;
}

/** Keystone's `links` on a collection. */
export function collectionLinks(deps: IdentityDeps, path: string, query?: string) {
  return { self: deps.url(path) + (query ? `?${query}` : ''), previous: null, next: null };
}
