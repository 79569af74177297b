import { type TSchema, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { type ConsumerAllocations, removeAllocations, writeAllocations } from '../allocation-write.ts';
import { Generation, MAX_INT, ResourceClassName, Uuid, validateBody } from '../body.ts';
import type { PlacementDeps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { entryOf } from '../map-entry.ts';
import { type PlacementVersion, requireVersion } from '../microversion.ts';
import { isUuid, normalizeUuid } from '../query-params.ts';
import { allocationsOfConsumer, allocationsOnProvider } from '../store/allocations.ts';
import { getProvider } from '../store/providers.ts';

interface ConsumerParams {
  consumer_uuid: string;
}
interface UuidParams {
  uuid: string;
}

/** Consumers written before 1.8 sent no project or user; Placement files them under this one. */
const INCOMPLETE = '00000000-0000-0000-0000-000000000000';

const Resources = Type.Record(ResourceClassName(), Type.Integer({ minimum: 1, maximum: MAX_INT }), {
  minProperties: 1,
});
const Owner = Type.String({ minLength: 1, maxLength: 255 });
const ConsumerType = Type.String({ pattern: '^[A-Z0-9_]+$', maxLength: 255 });

function listFormSchema(v: PlacementVersion): TSchema {
  const owner = v.atLeast('1.8') ? Owner : Type.Optional(Owner);
  return Type.Object(
    {
      allocations: Type.Array(
        Type.Object(
          { resource_provider: Type.Object({ uuid: Uuid() }, { additionalProperties: false }), resources: Resources },
          { additionalProperties: false },
        ),
        { minItems: 1 },
      ),
      project_id: owner,
      user_id: owner,
    },
    { additionalProperties: false },
  );
}

/** 1.12+: `{allocations: {rp: {resources}}, project_id, user_id, consumer_generation (1.28), consumer_type (1.38)}`. */
export function dictFormSchema(v: PlacementVersion, deletable: boolean): TSchema {
  return Type.Object(
    {
      // Empty allocations remove the consumer's: always in POST, in PUT from 1.28.
      allocations: Type.Record(
        Type.String({ pattern: Uuid().pattern as string }),
        Type.Object(
          { resources: Resources, generation: Type.Optional(Type.Union([Generation(), Type.Null()])) },
          { additionalProperties: false },
        ),
        { minProperties: deletable ? 0 : 1 },
      ),
      // 1.34: which request group each provider satisfied; recorded by nothing here, accepted as Placement does.
      ...(v.atLeast('1.34') && {
        mappings: Type.Optional(Type.Record(Type.String(), Type.Array(Uuid(), { minItems: 1 }))),
      }),
      project_id: Owner,
      user_id: Owner,
      ...(v.atLeast('1.28') && { consumer_generation: Type.Union([Generation(), Type.Null()]) }),
      ...(v.atLeast('1.38') && { consumer_type: ConsumerType }),
    },
    { additionalProperties: false },
  );
}

const schemas = new Map<string, TSchema>();
const schemaFor = (key: string, make: () => TSchema) => entryOf(schemas, key, make);

export interface DictBody {
  allocations: Record<string, { resources: Record<string, number> }>;
  project_id: string;
  user_id: string;
  consumer_generation?: number | null;
  consumer_type?: string;
}

export function fromDict(consumer: string, body: DictBody, v: PlacementVersion): ConsumerAllocations {
  return {
    consumer,
    allocations: Object.fromEntries(Object.entries(body.allocations).map(([rp, a]) => [rp, a.resources])),
    project_id: body.project_id,
    user_id: body.user_id,
    ...(v.atLeast('1.28') && { consumer_generation: body.consumer_generation ?? null }),
    ...(v.atLeast('1.38') && { consumer_type: body.consumer_type }),
  };
}

export function consumerUuid(text: string): string {
  if (!isUuid(text)) throw badRequest(`Malformed consumer_uuid: ${text}`);
  return normalizeUuid(text);
}

/** /allocations/{consumer}, POST /allocations (1.13) and /resource_providers/{uuid}/allocations. */
export function allocationRoutes(app: ServiceApp, deps: PlacementDeps): void {
  app.get<{ Params: ConsumerParams }>('/allocations/:consumer_uuid', async (req) => {
    req.ctx.enforce('placement:allocations:list');
    return allocationsOfConsumer(deps.db, req.params.consumer_uuid, req.placementVersion);
  });

  app.put<{ Params: ConsumerParams }>('/allocations/:consumer_uuid', async (req, reply) => {
    req.ctx.enforce('placement:allocations:update');
    const v = req.placementVersion;
    const consumer = consumerUuid(req.params.consumer_uuid);
    let request: ConsumerAllocations;
    if (v.atLeast('1.12')) {
      const body = validateBody<DictBody>(
        schemaFor(`dict-${v.text}`, () => dictFormSchema(v, v.atLeast('1.28'))),
        req.body,
      );
      request = fromDict(consumer, body, v);
    } else {
      const body = validateBody<{
        allocations: { resource_provider: { uuid: string }; resources: Record<string, number> }[];
        project_id?: string;
        user_id?: string;
      }>(
        schemaFor(`list-${v.text}`, () => listFormSchema(v)),
        req.body,
      );
      const allocations: Record<string, Record<string, number>> = {};
      for (const a of body.allocations) {
        allocations[a.resource_provider.uuid] = allocations[a.resource_provider.uuid] ?? {};
        const into = allocations[a.resource_provider.uuid];
        for (const [rc, n] of Object.entries(a.resources)) into[rc] = (into[rc] ?? 0) + n;
      }
      request = {
        consumer,
        allocations,
        project_id: body.project_id ?? INCOMPLETE,
        user_id: body.user_id ?? INCOMPLETE,
      };
    }
    await writeAllocations(deps, [request]);
    return reply.code(204).send();
  });

  app.post('/allocations', async (req, reply) => {
    requireVersion(req, '1.13');
    req.ctx.enforce('placement:allocations:manage');
    const v = req.placementVersion;
    const body = validateBody<Record<string, DictBody>>(
      schemaFor(`post-${v.text}`, () =>
        Type.Record(Type.String({ pattern: Uuid().pattern as string }), dictFormSchema(v, true), {
          minProperties: 1,
        }),
      ),
      req.body,
    );
    await writeAllocations(
      deps,
      Object.entries(body).map(([consumer, b]) => fromDict(consumerUuid(consumer), b, v)),
    );
    return reply.code(204).send();
  });

  app.delete<{ Params: ConsumerParams }>('/allocations/:consumer_uuid', async (req, reply) => {
    req.ctx.enforce('placement:allocations:delete');
    await removeAllocations(deps, req.params.consumer_uuid);
    return reply.code(204).send();
  });

  app.get<{ Params: UuidParams }>('/resource_providers/:uuid/allocations', async (req) => {
    req.ctx.enforce('placement:resource_providers:allocations:list');
    const rp = await getProvider(deps.db, req.params.uuid);
    return {
      allocations: await allocationsOnProvider(deps.db, rp.uuid, req.placementVersion),
      resource_provider_generation: rp.generation,
    };
  });
}
