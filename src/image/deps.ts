import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from '../core/bus/bus.ts';
import type { Config } from '../core/config.ts';
import type { UnifiedLimits } from '../core/quotas/unified-limits.ts';
import type { ImageStore } from './store-driver.ts';
import type { ImageDb } from './tables.ts';

/** What every image route and logic module is given; built once in index.ts. */
export interface ImageDeps {
  db: ImageDb;
  config: Config;
  bus: Bus;
  log: FastifyBaseLogger;
  /** Absolute URL under /image for links (`self`, `file`, `schema` are relative in Glance; this is for the rest). */
  url(path: string): string;
  /** The stores image data can live in, by name; `defaultStore` names the one uploads go to. */
  stores: ReadonlyMap<string, ImageStore>;
  defaultStore: string;
  /** Keystone's unified limits for the `image` service type (quotas.ts). */
  limits: UnifiedLimits;
}
