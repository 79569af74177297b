import { type Static, Type } from '@sinclair/typebox';
import { BadRequest } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { newId } from '../../core/ids.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { fromBool, parseObject, splitExtra } from '../rows.ts';
import {
  createService,
  deleteService,
  getService,
  listServices,
  type Service,
  serviceOf,
  updateService,
} from '../store/services.ts';
import type { ServiceRow } from '../tables.ts';

// Keystone's schema types only these; anything else (description, ...) is a free-form attribute kept in `extra`.
const ServiceFields = {
  type: Type.String({ minLength: 1, maxLength: 255 }),
  name: Type.String({ minLength: 1, maxLength: 255 }),
  enabled: Type.Boolean(),
};
const ServiceCreate = Type.Object({
  service: Type.Object(
    { ...ServiceFields, name: Type.Optional(ServiceFields.name), enabled: Type.Optional(ServiceFields.enabled) },
    { additionalProperties: true },
  ),
});
type ServiceCreate = Static<typeof ServiceCreate>;
const ServiceUpdate = Type.Object({
  service: Type.Object(
    {
      type: Type.Optional(ServiceFields.type),
      name: Type.Optional(ServiceFields.name),
      enabled: Type.Optional(ServiceFields.enabled),
    },
    { additionalProperties: true, minProperties: 1 },
  ),
});
type ServiceUpdate = Static<typeof ServiceUpdate>;
const IdParam = Type.Object({ service_id: Type.String({ maxLength: 64 }) });
type IdParam = Static<typeof IdParam>;
const ListQuery = Type.Object({ type: Type.Optional(Type.String()), name: Type.Optional(Type.String()) });
type ListQuery = Static<typeof ListQuery>;

const KNOWN = ['type', 'enabled'] as const;

export function servicesRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (r: ServiceRow): Service & { links: { self: string } } => ({
    ...serviceOf(r),
    links: { self: deps.url(`/services/${r.id}`) },
  });

  app.get<{ Querystring: ListQuery }>('/v3/services', { schema: { querystring: ListQuery } }, async (req) => {
    req.ctx.enforce('identity:list_services');
    const rows = await listServices(deps.db, req.query);
    return { services: rows.map(view), links: collectionLinks(deps, '/services') };
  });

  app.post<{ Body: ServiceCreate }>('/v3/services', { schema: { body: ServiceCreate } }, async (req, reply) => {
    req.ctx.enforce('identity:create_service');
    const [cols, extra] = splitExtra(req.body.service, KNOWN);
    // A client-sent id is ignored, as Keystone ignores it.
    const row = await createService(deps.db, {
      id: newId(),
      type: cols.type as string,
      enabled: fromBool(cols.enabled as boolean | undefined),
      extra: JSON.stringify({ name: '', ...extra }),
    });
    return reply.code(201).send({ service: view(row) });
  });

  app.get<{ Params: IdParam }>('/v3/services/:service_id', { schema: { params: IdParam } }, async (req) => {
    req.ctx.enforce('identity:get_service');
    return { service: view(await getService(deps.db, req.params.service_id)) };
  });

  app.patch<{ Params: IdParam; Body: ServiceUpdate }>(
    '/v3/services/:service_id',
    { schema: { params: IdParam, body: ServiceUpdate } },
    async (req) => {
      req.ctx.enforce('identity:update_service');
      const body = req.body.service as Record<string, unknown>;
      if (body.id !== undefined && body.id !== req.params.service_id) throw new BadRequest('Cannot change ID');
      const [cols, extra] = splitExtra(body, KNOWN);
      const row = await updateService(deps.db, req.params.service_id, (current) => ({
        ...(cols.type !== undefined && { type: cols.type as string }),
        ...(cols.enabled !== undefined && { enabled: fromBool(cols.enabled as boolean) }),
        extra: JSON.stringify({ ...parseObject(current.extra), ...extra }),
      }));
      return { service: view(row) };
    },
  );

  app.delete<{ Params: IdParam }>('/v3/services/:service_id', { schema: { params: IdParam } }, async (req, reply) => {
    req.ctx.enforce('identity:delete_service');
    await deleteService(deps.db, req.params.service_id);
    return reply.code(204).send();
  });
}
