import type { ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';
import { IMPORT_METHODS } from '../import-methods.ts';

export function infoRoutes(app: ServiceApp, deps: ImageDeps): void {
  app.get('/v2/info/import', async (req) => {
    req.ctx.requireAuth();
    return {
      'import-methods': { description: 'Import methods available.', type: 'array', value: [...IMPORT_METHODS] },
    };
  });

  // Glance spells the flags as the strings "true", not booleans (api-ref stores-list-response.json); Tempest
  // compares `read-only` to 'true'.
  app.get('/v2/info/stores', async (req) => {
    req.ctx.requireAuth();
    return {
      stores: [...deps.stores.values()].map((s) => ({
        id: s.name,
        description: s.description,
        ...(s.name === deps.defaultStore && { default: 'true' }),
      })),
    };
  });

  app.get('/v2/info/stores/detail', async (req) => {
    req.ctx.enforce('stores_info_detail');
    return {
      stores: [...deps.stores.values()].map((s) => ({
        id: s.name,
        description: s.description,
        type: s.name,
        weight: 0,
        properties: {},
        ...(s.name === deps.defaultStore && { default: 'true' }),
      })),
    };
  });
}
