import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from '../core/bus/bus.ts';
import type { Config } from '../core/config.ts';
import type { NetworkDb } from './tables.ts';

/** What every network route and logic module is given; built once in index.ts. */
export interface NetworkDeps {
  db: NetworkDb;
  config: Config;
  bus: Bus;
  log: FastifyBaseLogger;
  /** Absolute URL under /networking (pagination links). */
  url(path: string): string;
}
