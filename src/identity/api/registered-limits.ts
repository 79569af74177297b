import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { newId } from '../../core/ids.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import {
  createRegisteredLimits,
  deleteRegisteredLimit,
  getRegisteredLimit,
  listRegisteredLimits,
  updateRegisteredLimit,
} from '../store/registered-limits.ts';
import type { RegisteredLimitRow } from '../tables.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** Keystone's bounds for limit values: -1 (unlimited) up to a signed 32-bit INT. */
export const LimitValue = Type.Integer({ minimum: -1, maximum: 0x7fffffff });
export const ResourceName = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' });
export const ServiceId = Type.String({ minLength: 1, maxLength: 64 });
export const RegionId = Nullable(Type.String({ minLength: 1, maxLength: 255 }));
export const Description = Nullable(Type.String({ maxLength: 255 }));

const RegisteredLimitsCreate = Type.Object(
  {
    registered_limits: Type.Array(
      Type.Object(
        {
          service_id: ServiceId,
          region_id: Type.Optional(RegionId),
          resource_name: ResourceName,
          default_limit: LimitValue,
          description: Type.Optional(Description),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
type RegisteredLimitsCreate = Static<typeof RegisteredLimitsCreate>;
const RegisteredLimitUpdate = Type.Object(
  {
    registered_limit: Type.Object(
      {
        service_id: Type.Optional(ServiceId),
        region_id: Type.Optional(RegionId),
        resource_name: Type.Optional(ResourceName),
        default_limit: Type.Optional(LimitValue),
        description: Type.Optional(Description),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
type RegisteredLimitUpdate = Static<typeof RegisteredLimitUpdate>;
const IdParam = Type.Object({ registered_limit_id: Type.String({ maxLength: 64 }) });
type IdParam = Static<typeof IdParam>;
const ListQuery = Type.Object({
  service_id: Type.Optional(Type.String()),
  region_id: Type.Optional(Type.String()),
  resource_name: Type.Optional(Type.String()),
});
type ListQuery = Static<typeof ListQuery>;

/** `/v3/registered_limits`: the defaults every project gets until a limit overrides them. */
export function registeredLimitsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (r: RegisteredLimitRow) => ({
    id: r.id,
    service_id: r.service_id,
    region_id: r.region_id,
    resource_name: r.resource_name,
    default_limit: r.default_limit,
    description: r.description,
    links: { self: deps.url(`/registered_limits/${r.id}`) },
  });

  app.route<{ Querystring: ListQuery }>({
    method: ['GET', 'HEAD'],
    url: '/v3/registered_limits',
    schema: { querystring: ListQuery },
    handler: async (req) => {
      req.ctx.enforce('identity:list_registered_limits');
      const rows = await listRegisteredLimits(deps.db, req.query);
      return { registered_limits: rows.map(view), links: collectionLinks(deps, '/registered_limits') };
    },
  });

  app.post<{ Body: RegisteredLimitsCreate }>(
    '/v3/registered_limits',
    { schema: { body: RegisteredLimitsCreate } },
    async (req, reply) => {
      req.ctx.enforce('identity:create_registered_limits');
      const rows = await createRegisteredLimits(
        deps.db,
        req.body.registered_limits.map((r) => ({
          id: newId(),
          service_id: r.service_id,
          region_id: r.region_id ?? null,
          resource_name: r.resource_name,
          default_limit: r.default_limit,
          description: r.description ?? null,
        })),
      );
      // Keystone answers the created list without collection links.
      return reply.code(201).send({ registered_limits: rows.map(view) });
    },
  );

  app.route<{ Params: IdParam }>({
    method: ['GET', 'HEAD'],
    url: '/v3/registered_limits/:registered_limit_id',
    schema: { params: IdParam },
    handler: async (req) => {
      req.ctx.enforce('identity:get_registered_limit');
      return { registered_limit: view(await getRegisteredLimit(deps.db, req.params.registered_limit_id)) };
    },
  });

  app.patch<{ Params: IdParam; Body: RegisteredLimitUpdate }>(
    '/v3/registered_limits/:registered_limit_id',
    { schema: { params: IdParam, body: RegisteredLimitUpdate } },
    async (req) => {
      req.ctx.enforce('identity:update_registered_limit');
      const row = await updateRegisteredLimit(deps.db, req.params.registered_limit_id, req.body.registered_limit);
      return { registered_limit: view(row) };
    },
  );

  app.delete<{ Params: IdParam }>(
    '/v3/registered_limits/:registered_limit_id',
    { schema: { params: IdParam } },
    async (req, reply) => {
      req.ctx.enforce('identity:delete_registered_limit');
      await deleteRegisteredLimit(deps.db, req.params.registered_limit_id);
      return reply.code(204).send();
    },
  );
}
