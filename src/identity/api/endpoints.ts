import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { BadRequest } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { newId } from '../../core/ids.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { fromBool, parseObject, splitExtra } from '../rows.ts';
import {
  createEndpoint,
  deleteEndpoint,
  type Endpoint,
  endpointOf,
  getEndpoint,
  listEndpoints,
  updateEndpoint,
} from '../store/endpoints.ts';
import type { EndpointRow } from '../tables.ts';

const Interface = Type.Union([Type.Literal('admin'), Type.Literal('internal'), Type.Literal('public')]);
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
// Keystone's limits: the URL column length it has always validated (225) and "scheme:something".
const EndpointFields = {
  interface: Interface,
  service_id: Type.String({ minLength: 1, maxLength: 64 }),
  url: Type.String({ maxLength: 225, pattern: '^[a-zA-Z0-9+.-]+:.+' }),
  enabled: Type.Optional(Type.Boolean()),
  region_id: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
  region: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
  name: Type.Optional(Type.String()),
  description: Type.Optional(Nullable(Type.String())),
};
const EndpointCreate = Type.Object({
  endpoint: Type.Object(EndpointFields, { additionalProperties: true }),
});
type EndpointCreate = Static<typeof EndpointCreate>;
const EndpointUpdate = Type.Object({
  endpoint: Type.Object(
    {
      ...EndpointFields,
      interface: Type.Optional(EndpointFields.interface),
      service_id: Type.Optional(EndpointFields.service_id),
      url: Type.Optional(EndpointFields.url),
    },
    { additionalProperties: true, minProperties: 1 },
  ),
});
type EndpointUpdate = Static<typeof EndpointUpdate>;
const IdParam = Type.Object({ endpoint_id: Type.String({ maxLength: 64 }) });
type IdParam = Static<typeof IdParam>;
const ListQuery = Type.Object({
  interface: Type.Optional(Interface),
  service_id: Type.Optional(Type.String()),
  region_id: Type.Optional(Type.String()),
});
type ListQuery = Static<typeof ListQuery>;

const KNOWN = ['interface', 'service_id', 'url', 'enabled', 'region_id', 'region'] as const;

/** The substitutions Keystone fills in catalog URLs; any other `$(x)s` or `%` sequence is refused. */
const SUBSTITUTIONS = new Set(['tenant_id', 'project_id', 'user_id', 'compute_host', 'public_endpoint']);

function checkEndpointUrl(url: string): void {
  // Keystone runs the URL through Python's %-formatting, so a stray '%' (even '%20') fails there too.
  const rest = url.replaceAll('$(', '%(').replaceAll('%%', '');
  for (const m of rest.matchAll(/%(\(([^)]*)\)s)?/g)) {
    if (!m[1] || !SUBSTITUTIONS.has(m[2]))
      throw new BadRequest(`Cannot create an endpoint with an invalid URL: ${url}.`);
  }
}

/**
 * region_id wins; the pre-3.2 `region` key is used only when region_id is absent or null, and Keystone then
 * creates that region if it is missing (what v2-era clients and Tempest's endpoint tests rely on).
 */
function regionOfBody(body: { region_id?: string | null; region?: string | null }) {
  if (body.region_id == null && body.region != null) return { regionId: body.region, autoCreate: true };
  return { regionId: body.region_id, autoCreate: false };
}

export function endpointsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (r: EndpointRow): Endpoint & { links: { self: string } } => ({
    ...endpointOf(r),
    links: { self: deps.url(`/endpoints/${r.id}`) },
  });

  app.get<{ Querystring: ListQuery }>('/v3/endpoints', { schema: { querystring: ListQuery } }, async (req) => {
    req.ctx.enforce('identity:list_endpoints');
    const rows = await listEndpoints(deps.db, req.query);
    return { endpoints: rows.map(view), links: collectionLinks(deps, '/endpoints') };
  });

  app.post<{ Body: EndpointCreate }>('/v3/endpoints', { schema: { body: EndpointCreate } }, async (req, reply) => {
    req.ctx.enforce('identity:create_endpoint');
    const body = req.body.endpoint;
    checkEndpointUrl(body.url);
    const [, extra] = splitExtra(body, KNOWN);
    const { regionId, autoCreate } = regionOfBody(body);
    const row = await createEndpoint(
      deps.db,
      {
        id: newId(),
        service_id: body.service_id,
        region_id: regionId ?? null,
        interface: body.interface,
        url: body.url,
        enabled: fromBool(body.enabled),
        extra: JSON.stringify(extra),
      },
      { autoCreate },
    );
    return reply.code(201).send({ endpoint: view(row) });
  });

  app.get<{ Params: IdParam }>('/v3/endpoints/:endpoint_id', { schema: { params: IdParam } }, async (req) => {
    req.ctx.enforce('identity:get_endpoint');
    return { endpoint: view(await getEndpoint(deps.db, req.params.endpoint_id)) };
  });

  app.patch<{ Params: IdParam; Body: EndpointUpdate }>(
    '/v3/endpoints/:endpoint_id',
    { schema: { params: IdParam, body: EndpointUpdate } },
    async (req) => {
      req.ctx.enforce('identity:update_endpoint');
      const body = req.body.endpoint;
      const id = (body as Record<string, unknown>).id;
      if (id !== undefined && id !== req.params.endpoint_id) throw new BadRequest('Cannot change ID');
      if (body.url !== undefined) checkEndpointUrl(body.url);
      const [, extra] = splitExtra(body, KNOWN);
      const { regionId, autoCreate } = regionOfBody(body);
      const row = await updateEndpoint(
        deps.db,
        req.params.endpoint_id,
        (current) => ({
          ...(body.service_id !== undefined && { service_id: body.service_id }),
          ...(body.interface !== undefined && { interface: body.interface }),
          ...(body.url !== undefined && { url: body.url }),
          ...(body.enabled !== undefined && { enabled: fromBool(body.enabled) }),
          ...(regionId !== undefined && { region_id: regionId }),
          extra: JSON.stringify({ ...parseObject(current.extra), ...extra }),
        }),
        { autoCreate },
      );
      return { endpoint: view(row) };
    },
  );

  app.delete<{ Params: IdParam }>('/v3/endpoints/:endpoint_id', { schema: { params: IdParam } }, async (req, reply) => {
    req.ctx.enforce('identity:delete_endpoint');
    await deleteEndpoint(deps.db, req.params.endpoint_id);
    return reply.code(204).send();
  });
}
