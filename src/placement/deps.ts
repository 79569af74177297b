import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../core/config.ts';
import type { DbKind } from '../core/db/database.ts';
import type { PlacementDb } from './tables.ts';

/** What every placement route and logic module is given; built once in index.ts. */
export interface PlacementDeps {
  db: PlacementDb;
  dbKind: DbKind;
  config: Config;
  log: FastifyBaseLogger;
}

/** Placement's links are paths below the listener, as Placement writes them (`/placement/resource_providers/x`). */
export const PREFIX = '/placement';
