import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { newId } from '../../core/ids.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { parseObject, splitExtra } from '../rows.ts';
import {
  createRegion,
  deleteRegion,
  getRegion,
  listRegions,
  type Region,
  regionOf,
  updateRegion,
} from '../store/regions.ts';
import type { RegionRow } from '../tables.ts';

const RegionBody = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    description: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    parent_region_id: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Null()])),
  },
  { additionalProperties: true },
);
const RegionCreate = Type.Object({ region: RegionBody });
type RegionCreate = Static<typeof RegionCreate>;
const RegionUpdate = Type.Object({ region: Type.Omit(RegionBody, ['id']) });
type RegionUpdate = Static<typeof RegionUpdate>;
const IdParam = Type.Object({ region_id: Type.String({ maxLength: 255 }) });
type IdParam = Static<typeof IdParam>;
const ListQuery = Type.Object({ parent_region_id: Type.Optional(Type.String()) });
type ListQuery = Static<typeof ListQuery>;

const KNOWN = ['description', 'parent_region_id'] as const;

export function regionsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (r: RegionRow): Region & { links: { self: string } } => ({
    ...regionOf(r),
    links: { self: deps.url(`/regions/${r.id}`) },
  });

  const create = async (id: string, body: RegionCreate['region']) => {
    const [cols, extra] = splitExtra(body, KNOWN);
    return createRegion(deps.db, {
      id,
      description: (cols.description as string | null) ?? '',
      parent_region_id: (cols.parent_region_id as string | null) ?? null,
      extra: JSON.stringify(extra),
    });
  };

  app.get<{ Querystring: ListQuery }>('/v3/regions', { schema: { querystring: ListQuery } }, async (req) => {
    req.ctx.enforce('identity:list_regions');
    const rows = await listRegions(deps.db, req.query);
    return { regions: rows.map(view), links: collectionLinks(deps, '/regions') };
  });

  app.post<{ Body: RegionCreate }>('/v3/regions', { schema: { body: RegionCreate } }, async (req, reply) => {
    req.ctx.enforce('identity:create_region');
    const row = await create(req.body.region.id ?? newId(), req.body.region);
    return reply.code(201).send({ region: view(row) });
  });

  app.put<{ Params: IdParam; Body: RegionCreate }>(
    '/v3/regions/:region_id',
    { schema: { params: IdParam, body: RegionCreate } },
    async (req, reply) => {
      req.ctx.enforce('identity:create_region');
      const row = await create(req.params.region_id, req.body.region);
      return reply.code(201).send({ region: view(row) });
    },
  );

  app.get<{ Params: IdParam }>('/v3/regions/:region_id', { schema: { params: IdParam } }, async (req) => {
    req.ctx.enforce('identity:get_region');
    return { region: view(await getRegion(deps.db, req.params.region_id)) };
  });

  app.patch<{ Params: IdParam; Body: RegionUpdate }>(
    '/v3/regions/:region_id',
    { schema: { params: IdParam, body: RegionUpdate } },
    async (req) => {
      req.ctx.enforce('identity:update_region');
      const current = await getRegion(deps.db, req.params.region_id);
      const [cols, extra] = splitExtra(req.body.region, KNOWN);
      const row = await updateRegion(deps.db, req.params.region_id, {
        ...(cols.description !== undefined && { description: (cols.description as string | null) ?? '' }),
        ...(cols.parent_region_id !== undefined && { parent_region_id: cols.parent_region_id as string | null }),
        extra: JSON.stringify({ ...parseObject(current.extra), ...extra }),
      });
      return { region: view(row) };
    },
  );

  app.delete<{ Params: IdParam }>('/v3/regions/:region_id', { schema: { params: IdParam } }, async (req, reply) => {
    req.ctx.enforce('identity:delete_region');
    await deleteRegion(deps.db, req.params.region_id);
    return reply.code(204).send();
  });
}
