import { Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { Uuid, validateBody } from '../body.ts';
import { type PlacementDeps, PREFIX } from '../deps.ts';
import { badRequest } from '../errors.ts';
import type { PlacementVersion } from '../microversion.ts';
import { matchProviders, type ProviderFilter } from '../provider-filter.ts';
import { providerView } from '../provider-view.ts';
import {
  all,
  assertQueryKeys,
  isUuid,
  normalizeUuid,
  parseMemberOf,
  parseRequired,
  parseResources,
  type Query,
  single,
  traitNames,
} from '../query-params.ts';
import { createProvider, deleteProvider, getProvider, updateProvider } from '../store/providers.ts';
import { assertResourceClasses } from '../store/resource-classes.ts';
import { assertTraitsExist } from '../store/traits.ts';

interface UuidParams {
  uuid: string;
}

const Name = () => Type.String({ minLength: 1, maxLength: 200 });
const CreateV10 = Type.Object({ name: Name(), uuid: Type.Optional(Uuid()) }, { additionalProperties: false });
const CreateV114 = Type.Object(
  { name: Name(), uuid: Type.Optional(Uuid()), parent_provider_uuid: Type.Optional(Type.Union([Uuid(), Type.Null()])) },
  { additionalProperties: false },
);
const UpdateV10 = Type.Object({ name: Name() }, { additionalProperties: false });
const UpdateV114 = Type.Object(
  { name: Name(), parent_provider_uuid: Type.Optional(Type.Union([Uuid(), Type.Null()])) },
  { additionalProperties: false },
);

/** /resource_providers: CRUD with generations, list filters by name, uuid, aggregates, capacity, tree, traits. */
export function resourceProviderRoutes(app: ServiceApp, deps: PlacementDeps): void {
  app.get('/resource_providers', async (req) => {
    req.ctx.enforce('placement:resource_providers:list');
    const v = req.placementVersion;
    const filter = await listFilter(deps, req.query as Query, v);
    const { providers } = await matchProviders(deps.db, filter);
    return { resource_providers: providers.map((p) => providerView(p, v)) };
  });

  app.post('/resource_providers', async (req, reply) => {
    req.ctx.enforce('placement:resource_providers:create');
    const v = req.placementVersion;
    const body = validateBody<{ name: string; uuid?: string; parent_provider_uuid?: string | null }>(
      v.atLeast('1.14') ? CreateV114 : CreateV10,
      req.body,
    );
    const row = await createProvider(deps.db, { ...body, ...(body.uuid && { uuid: normalizeUuid(body.uuid) }) });
    reply.header('location', `${PREFIX}/resource_providers/${row.uuid}`);
    if (!v.atLeast('1.20')) return reply.code(201).send();
    return reply.code(200).send(providerView(row, v));
  });

  app.get<{ Params: UuidParams }>('/resource_providers/:uuid', async (req) => {
    req.ctx.enforce('placement:resource_providers:show');
    return providerView(await getProvider(deps.db, req.params.uuid), req.placementVersion);
  });

  app.put<{ Params: UuidParams }>('/resource_providers/:uuid', async (req) => {
    req.ctx.enforce('placement:resource_providers:update');
    const v = req.placementVersion;
    const body = validateBody<{ name: string; parent_provider_uuid?: string | null }>(
      v.atLeast('1.14') ? UpdateV114 : UpdateV10,
      req.body,
    );
    const row = await updateProvider(deps.db, req.params.uuid, body, v.atLeast('1.37'));
    return providerView(row, v);
  });

  app.delete<{ Params: UuidParams }>('/resource_providers/:uuid', async (req, reply) => {
    req.ctx.enforce('placement:resource_providers:delete');
    await deleteProvider(deps.db, req.params.uuid);
    return reply.code(204).send();
  });
}

async function listFilter(deps: PlacementDeps, query: Query, v: PlacementVersion): Promise<ProviderFilter> {
  const keys = ['name', 'uuid'];
  if (v.atLeast('1.3')) keys.push('member_of');
  if (v.atLeast('1.4')) keys.push('resources');
  if (v.atLeast('1.14')) keys.push('in_tree');
  if (v.atLeast('1.18')) keys.push('required');
  assertQueryKeys(query, keys);
  const filter: ProviderFilter = {};
  const name = single(query, 'name');
  if (name !== undefined) filter.name = name;
  const uuid = single(query, 'uuid');
  if (uuid !== undefined) {
    if (!isUuid(uuid)) throw badRequest(`Invalid query string parameters: '${uuid}' is not a 'uuid'`);
    filter.uuid = uuid;
  }
  const memberOf = all(query, 'member_of');
  if (memberOf.length) filter.memberOf = parseMemberOf(memberOf, v);
  const resources = single(query, 'resources');
  if (resources !== undefined) {
    filter.resources = parseResources(resources);
    await assertResourceClasses(deps.db, Object.keys(filter.resources));
  }
  const inTree = single(query, 'in_tree');
  if (inTree !== undefined) {
    if (!isUuid(inTree)) throw badRequest(`Invalid query string parameters: '${inTree}' is not a 'uuid'`);
    filter.inTree = inTree;
  }
  const required = all(query, 'required');
  if (required.length) {
    filter.required = parseRequired(required, v);
    await assertTraitsExist(deps.db, traitNames(filter.required));
  }
  return filter;
}
