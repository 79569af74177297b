import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { writeAllocations } from '../allocation-write.ts';
import { Generation, UUID_PATTERN, validateBody } from '../body.ts';
import type { PlacementDeps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { entryOf } from '../map-entry.ts';
import { type PlacementVersion, requireVersion } from '../microversion.ts';
import { normalizeUuid } from '../query-params.ts';
import { replaceInventoriesIn, withDefaults } from '../store/inventories.ts';
import { bumpGeneration, findProvider } from '../store/providers.ts';
import type { PlacementDb } from '../tables.ts';
import { consumerUuid, type DictBody, dictFormSchema, fromDict } from './allocations.ts';
import { InventoryBody } from './inventories.ts';

interface ReshapeBody {
  inventories: Record<
    string,
    { resource_provider_generation: number; inventories: Record<string, Static<typeof InventoryBody>> }
  >;
  allocations: Record<string, DictBody>;
}

const schemas = new Map<string, TSchema>();
function reshapeSchema(v: PlacementVersion): TSchema {
  return entryOf(schemas, v.text, () =>
    Type.Object(
      {
        inventories: Type.Record(
          Type.String({ pattern: UUID_PATTERN }),
          Type.Object(
            {
              resource_provider_generation: Generation(),
              inventories: Type.Record(Type.String({ pattern: '^[A-Z0-9_]+$' }), InventoryBody),
            },
            { additionalProperties: false },
          ),
        ),
        allocations: Type.Record(Type.String({ pattern: UUID_PATTERN }), dictFormSchema(v, true)),
      },
      { additionalProperties: false },
    ),
  );
}

/**
 * POST /reshaper (1.30): moves inventory and the allocations against it between providers of a tree in one
 * transaction (a driver turning a host's VGPUs into child providers). The listed consumers' allocations are
 * dropped first, so inventory they held may go; then every listed provider's inventory is replaced at its
 * generation, and the consumers' new allocations are written and checked against the new capacity.
 */
export function reshaperRoutes(app: ServiceApp, deps: PlacementDeps): void {
  app.post('/reshaper', async (req, reply) => {
    requireVersion(req, '1.30');
    req.ctx.enforce('placement:reshaper:reshape');
    const v = req.placementVersion;
    const body = validateBody<ReshapeBody>(reshapeSchema(v), req.body);
    const equalOk = v.atLeast('1.26');
    const inventories = Object.entries(body.inventories).map(([raw, entry]) => {
      const uuid = normalizeUuid(raw);
      return {
        uuid,
        generation: entry.resource_provider_generation,
        rows: Object.entries(entry.inventories).map(([rc, inv]) => withDefaults(uuid, rc, inv, equalOk)),
      };
    });
    const requests = Object.entries(body.allocations).map(([consumer, b]) => fromDict(consumerUuid(consumer), b, v));
    const consumers = requests.map((r) => r.consumer);

    await writeAllocations(deps, requests, async (trx: PlacementDb) => {
      for (const inv of inventories)
        if (!(await findProvider(trx, inv.uuid)))
          throw badRequest(`Resource provider ${inv.uuid} in inventories not found`);
      let held: { rp_uuid: string }[] = [];
      if (consumers.length) {
        held = await trx
          .selectFrom('placement_allocations')
          .select('rp_uuid')
          .distinct()
          .where('consumer_uuid', 'in', consumers)
          .execute();
        await trx.deleteFrom('placement_allocations').where('consumer_uuid', 'in', consumers).execute();
      }
      for (const inv of [...inventories].sort((a, b) => a.uuid.localeCompare(b.uuid)))
        await replaceInventoriesIn(trx, inv.uuid, inv.generation, inv.rows);
      // Providers the consumers left that the request did not reshape still change: their usage dropped.
      const reshaped = new Set(inventories.map((i) => i.uuid));
      for (const { rp_uuid } of held) {
        if (reshaped.has(rp_uuid)) continue;
        const rp = await findProvider(trx, rp_uuid);
        if (rp) await bumpGeneration(trx, rp_uuid, rp.generation);
      }
    });
    return reply.code(204).send();
  });
}
