import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import type { ServiceProviderRow } from '../extension-tables.ts';
import { queryFlag } from '../rows.ts';
import {
  createServiceProvider,
  deleteServiceProvider,
  getServiceProvider,
  listServiceProviders,
  serviceProviderOf,
  updateServiceProvider,
} from '../store/federation-service-providers.ts';

/**
 * OS-FEDERATION service providers: remote clouds this one would federate to (K2K). The records are served and
 * listed in tokens; Strata issues no SAML2 assertions for them.
 */
// Keystone's lenient URL check (a scheme, a colon, something after it), 225 characters at most.
const Url = Type.String({ maxLength: 225, pattern: '^[a-zA-Z0-9+.-]+:.+' });
const Nullable = Type.Union([Type.String(), Type.Null()]);
const Props = {
  auth_url: Url,
  sp_url: Url,
  description: Type.Optional(Nullable),
  enabled: Type.Optional(Type.Boolean()),
  relay_state_prefix: Type.Optional(Nullable),
};
const SpCreate = Type.Object({ service_provider: Type.Object(Props, { additionalProperties: false }) });
type SpCreate = Static<typeof SpCreate>;
const SpUpdate = Type.Object({
  service_provider: Type.Object(
    { ...Props, auth_url: Type.Optional(Url), sp_url: Type.Optional(Url) },
    { additionalProperties: false, minProperties: 1 },
  ),
});
type SpUpdate = Static<typeof SpUpdate>;
const IdParam = Type.Object({ sp_id: Type.String({ minLength: 1, maxLength: 64 }) });
type IdParam = Static<typeof IdParam>;
const ListQuery = Type.Object({ id: Type.Optional(Type.String()), enabled: Type.Optional(Type.String()) });
type ListQuery = Static<typeof ListQuery>;

/** Keystone's [saml] relay_state_prefix default. */
const RELAY_STATE_PREFIX = 'ss:mem:';
const BASE = '/v3/OS-FEDERATION/service_providers';

export function federationServiceProvidersRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (r: ServiceProviderRow) => ({
    ...serviceProviderOf(r),
    links: { self: deps.url(`/OS-FEDERATION/service_providers/${r.id}`) },
  });

  app.route<{ Querystring: ListQuery }>({
    method: ['GET', 'HEAD'],
    url: BASE,
    schema: { querystring: ListQuery },
    handler: async (req) => {
      req.ctx.enforce('identity:list_service_providers');
      const { id, enabled } = req.query;
      const rows = await listServiceProviders(deps.db, {
        id,
        enabled: enabled === undefined ? undefined : queryFlag(enabled),
      });
      return { service_providers: rows.map(view), links: collectionLinks(deps, '/OS-FEDERATION/service_providers') };
    },
  });

  app.route<{ Params: IdParam }>({
    method: ['GET', 'HEAD'],
    url: `${BASE}/:sp_id`,
    schema: { params: IdParam },
    handler: async (req) => {
      req.ctx.enforce('identity:get_service_provider');
      return { service_provider: view(await getServiceProvider(deps.db, req.params.sp_id)) };
    },
  });

  app.put<{ Params: IdParam; Body: SpCreate }>(
    `${BASE}/:sp_id`,
    { schema: { params: IdParam, body: SpCreate } },
    async (req, reply) => {
      req.ctx.enforce('identity:create_service_provider');
      const body = req.body.service_provider;
      const row = await createServiceProvider(deps.db, {
        id: req.params.sp_id,
        // Keystone creates service providers disabled unless told otherwise.
        enabled: body.enabled ? 1 : 0,
        description: body.description ?? null,
        auth_url: body.auth_url,
        sp_url: body.sp_url,
        relay_state_prefix: body.relay_state_prefix ?? RELAY_STATE_PREFIX,
      });
      return reply.code(201).send({ service_provider: view(row) });
    },
  );

  app.patch<{ Params: IdParam; Body: SpUpdate }>(
    `${BASE}/:sp_id`,
    { schema: { params: IdParam, body: SpUpdate } },
    async (req) => {
      req.ctx.enforce('identity:update_service_provider');
      const { enabled, description, auth_url, sp_url, relay_state_prefix } = req.body.service_provider;
      const row = await updateServiceProvider(deps.db, req.params.sp_id, {
        ...(enabled !== undefined && { enabled: enabled ? 1 : 0 }),
        ...(description !== undefined && { description }),
        ...(auth_url !== undefined && { auth_url }),
        ...(sp_url !== undefined && { sp_url }),
        ...(relay_state_prefix !== undefined && { relay_state_prefix: relay_state_prefix ?? RELAY_STATE_PREFIX }),
      });
      return { service_provider: view(row) };
    },
  );

  app.delete<{ Params: IdParam }>(`${BASE}/:sp_id`, { schema: { params: IdParam } }, async (req, reply) => {
    req.ctx.enforce('identity:delete_service_provider');
    await deleteServiceProvider(deps.db, req.params.sp_id);
    return reply.code(204).send();
  });
}
