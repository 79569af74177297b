import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceApp, ServiceModule } from '../core/http/service.ts';
import { aggregateRoutes } from './api/aggregates.ts';
import { allocationCandidateRoutes } from './api/allocation-candidates.ts';
import { allocationRoutes } from './api/allocations.ts';
import { inventoryRoutes } from './api/inventories.ts';
import { reshaperRoutes } from './api/reshaper.ts';
import { resourceClassRoutes } from './api/resource-classes.ts';
import { resourceProviderRoutes } from './api/resource-providers.ts';
import { traitRoutes } from './api/traits.ts';
import { usageRoutes } from './api/usages.ts';
import { versionRoutes } from './api/versions.ts';
import type { PlacementDeps } from './deps.ts';
import { placementErrorBody } from './errors.ts';
import { checkAccept, MAX_VERSION, MIN_VERSION, negotiatePlacementVersion } from './microversion.ts';
import * as m0001 from './migrations/0001-initial.ts';
import { placementPolicies } from './policies.ts';
import type { PlacementDb } from './tables.ts';

const ROUTES: ((app: ServiceApp, deps: PlacementDeps) => void)[] = [
  versionRoutes,
  resourceProviderRoutes,
  inventoryRoutes,
  resourceClassRoutes,
  traitRoutes,
  aggregateRoutes,
  allocationRoutes,
  usageRoutes,
  allocationCandidateRoutes,
  reshaperRoutes,
];

/**
 * Placement (API 1.0–1.39): resource providers with inventories, traits and aggregates; consumers' allocations
 * written atomically against capacity; allocation candidates for the compute scheduler.
 */
export const placement: ServiceModule = {
  name: 'placement',
  prefix: '/placement',
  catalog: { type: 'placement', name: 'placement', path: '' },
  migrations: { '0001-initial': m0001 },
  policies: placementPolicies,
  errorBody: placementErrorBody,

  async create(ctx) {
    const deps: PlacementDeps = { db: ctx.db as PlacementDb, dbKind: ctx.dbKind, config: ctx.config, log: ctx.log };
    return {
      routes: (app) => {
        app.addHook('onRequest', async (req, reply) => {
          negotiatePlacementVersion(req, reply);
          checkAccept(req);
        });
        app.addHook('onSend', addRequestIdAndCacheHeaders);
        for (const register of ROUTES) register(app, deps);
      },
      describe: () => [`placement: API ${MIN_VERSION}–${MAX_VERSION}`],
    };
  },
};

/**
 * Error bodies are built without the request (ServiceModule.errorBody), so what depends on it is settled here:
 * the `request_id`, `code` only from 1.23 (Placement's error-code microversion), and the version range on a 406.
 * 1.15 answers also carry `cache-control: no-cache` and a `last-modified`, as Placement sends them.
 */
async function addRequestIdAndCacheHeaders(req: FastifyRequest, reply: FastifyReply, payload: unknown) {
  if (req.placementVersion?.atLeast('1.15') && reply.statusCode < 300) {
    reply.header('cache-control', 'no-cache');
    reply.header('last-modified', new Date().toUTCString());
  }
  if (reply.statusCode < 400 || typeof payload !== 'string' || !payload.startsWith('{"errors":')) return payload;
  try {
    const body = JSON.parse(payload) as { errors: Record<string, unknown>[] };
    for (const e of body.errors) {
      e.request_id = req.id;
      if (!req.placementVersion?.atLeast('1.23')) delete e.code;
      if (reply.statusCode === 406) Object.assign(e, { max_version: MAX_VERSION, min_version: MIN_VERSION });
    }
    return JSON.stringify(body);
  } catch {
    return payload;
  }
}
