import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { Generation, Uuid, validateBody } from '../body.ts';
import type { PlacementDeps } from '../deps.ts';
import { requireVersion } from '../microversion.ts';
import { aggregatesOf, setProviderAggregates } from '../store/aggregates.ts';
import { getProvider } from '../store/providers.ts';

interface UuidParams {
  uuid: string;
}

const ListV11 = Type.Array(Uuid(), { uniqueItems: true });
const PutV119 = Type.Object(
  { aggregates: Type.Array(Uuid(), { uniqueItems: true }), resource_provider_generation: Generation() },
  { additionalProperties: false },
);

/**
 * /resource_providers/{uuid}/aggregates (1.1): up to 1.18 the body and answer are bare lists of aggregate uuids
 * and the generation is untouched; from 1.19 both carry resource_provider_generation and a PUT compares it.
 */
export function aggregateRoutes(app: ServiceApp, deps: PlacementDeps): void {
  const answer = async (uuid: string, withGeneration: boolean) => {
    const rp = await getProvider(deps.db, uuid);
    const aggregates = await aggregatesOf(deps.db, uuid);
    return withGeneration ? { aggregates, resource_provider_generation: rp.generation } : { aggregates };
  };

  app.get<{ Params: UuidParams }>('/resource_providers/:uuid/aggregates', async (req) => {
    requireVersion(req, '1.1');
    req.ctx.enforce('placement:resource_providers:aggregates:list');
    return answer(req.params.uuid, req.placementVersion.atLeast('1.19'));
  });

  app.put<{ Params: UuidParams }>('/resource_providers/:uuid/aggregates', async (req) => {
    requireVersion(req, '1.1');
    req.ctx.enforce('placement:resource_providers:aggregates:update');
    const v119 = req.placementVersion.atLeast('1.19');
    if (v119) {
      const body = validateBody<Static<typeof PutV119>>(PutV119, req.body);
      await setProviderAggregates(deps.db, req.params.uuid, body.aggregates, body.resource_provider_generation);
    } else {
      const list = validateBody<string[]>(ListV11, req.body);
      await setProviderAggregates(deps.db, req.params.uuid, list);
    }
    return answer(req.params.uuid, v119);
  });
}
