import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from '../core/bus/bus.ts';
import type { Config } from '../core/config.ts';
import type { ServiceClient } from '../core/service-client.ts';
import type { ImageClient, NetworkClient, PlacementClient } from './clients/types.ts';
import type { Conductor } from './conductor-contract.ts';
import type { ComputeDb } from './tables.ts';

/** What the clients are built from (everything but the clients and the conductor). */
export interface ComputeBase {
  db: ComputeDb;
  config: Config;
  bus: Bus;
  log: FastifyBaseLogger;
  /** Absolute URL under /compute (links, Location headers): url('/v2.1/servers/x'). */
  url(path: string): string;
  /** The cloud's base URL (other services' endpoints are under it in the all-in-one). */
  publicUrl(): string;
  /**
   * HTTP to Image, Networking, Placement as the `compute` service user (src/core/service-client.ts):
   * `services.request(url, { method, body, userToken? })`; the service token is cached and refreshed.
   */
  services: ServiceClient;
}

/** What every compute route and logic module is given; built once in index.ts. */
export interface ComputeDeps extends ComputeBase {
  image: ImageClient;
  network: NetworkClient;
  placement: PlacementClient;
  conductor: Conductor;
}
