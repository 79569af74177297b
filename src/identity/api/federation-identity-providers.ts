import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { queryFlag } from '../rows.ts';
import {
  createIdentityProvider,
  deleteIdentityProvider,
  getIdentityProvider,
  type IdpWithRemotes,
  identityProviderOf,
  listIdentityProviders,
  updateIdentityProvider,
} from '../store/federation-identity-providers.ts';

/**
 * OS-FEDERATION identity providers. Strata keeps the records (and Keystone's auto-created domain for an
 * identity provider without one) but does not accept federated (SAML2/OIDC) authentication.
 * GET routes also answer HEAD, as Keystone's do.
 */
const RemoteIds = Type.Union([Type.Array(Type.String(), { uniqueItems: true }), Type.Null()]);
const Description = Type.Union([Type.String(), Type.Null()]);
const Ttl = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]);
const IdpCreate = Type.Object({
  identity_provider: Type.Object(
    {
      enabled: Type.Optional(Type.Boolean()),
      description: Type.Optional(Description),
      domain_id: Type.Optional(
        Type.Union([Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' }), Type.Null()]),
      ),
      authorization_ttl: Type.Optional(Ttl),
      remote_ids: Type.Optional(RemoteIds),
    },
    { additionalProperties: false },
  ),
});
type IdpCreate = Static<typeof IdpCreate>;
const IdpUpdate = Type.Object({
  identity_provider: Type.Object(
    {
      enabled: Type.Optional(Type.Boolean()),
      description: Type.Optional(Description),
      authorization_ttl: Type.Optional(Ttl),
      remote_ids: Type.Optional(RemoteIds),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
});
type IdpUpdate = Static<typeof IdpUpdate>;
const IdParam = Type.Object({ idp_id: Type.String({ minLength: 1, maxLength: 64 }) });
type IdParam = Static<typeof IdParam>;
const ListQuery = Type.Object({ id: Type.Optional(Type.String()), enabled: Type.Optional(Type.String()) });
type ListQuery = Static<typeof ListQuery>;

const BASE = '/v3/OS-FEDERATION/identity_providers';

export function federationIdentityProvidersRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (idp: IdpWithRemotes) => {
    const self = deps.url(`/OS-FEDERATION/identity_providers/${idp.row.id}`);
    return { ...identityProviderOf(idp), links: { self, protocols: `${self}/protocols` } };
  };

  app.route<{ Querystring: ListQuery }>({
    method: ['GET', 'HEAD'],
    url: BASE,
    schema: { querystring: ListQuery },
    handler: async (req) => {
      req.ctx.enforce('identity:list_identity_providers');
      const { id, enabled } = req.query;
      const idps = await listIdentityProviders(deps.db, {
        id,
        enabled: enabled === undefined ? undefined : queryFlag(enabled),
      });
      return { identity_providers: idps.map(view), links: collectionLinks(deps, '/OS-FEDERATION/identity_providers') };
    },
  });

  app.route<{ Params: IdParam }>({
    method: ['GET', 'HEAD'],
    url: `${BASE}/:idp_id`,
    schema: { params: IdParam },
    handler: async (req) => {
      req.ctx.enforce('identity:get_identity_provider');
      return { identity_provider: view(await getIdentityProvider(deps.db, req.params.idp_id)) };
    },
  });

  app.put<{ Params: IdParam; Body: IdpCreate }>(
    `${BASE}/:idp_id`,
    { schema: { params: IdParam, body: IdpCreate } },
    async (req, reply) => {
      req.ctx.enforce('identity:create_identity_provider');
      const body = req.body.identity_provider;
      const idp = await createIdentityProvider(deps.db, {
        id: req.params.idp_id,
        domain_id: body.domain_id ?? undefined,
        // Keystone creates identity providers disabled unless told otherwise.
        enabled: body.enabled ?? false,
        description: body.description ?? null,
        authorization_ttl: body.authorization_ttl ?? null,
        remote_ids: body.remote_ids ?? [],
      });
      return reply.code(201).send({ identity_provider: view(idp) });
    },
  );

  app.patch<{ Params: IdParam; Body: IdpUpdate }>(
    `${BASE}/:idp_id`,
    { schema: { params: IdParam, body: IdpUpdate } },
    async (req) => {
      req.ctx.enforce('identity:update_identity_provider');
      const { enabled, description, authorization_ttl, remote_ids } = req.body.identity_provider;
      const idp = await updateIdentityProvider(
        deps.db,
        req.params.idp_id,
        {
          ...(enabled !== undefined && { enabled: enabled ? 1 : 0 }),
          ...(description !== undefined && { description }),
          ...(authorization_ttl !== undefined && { authorization_ttl }),
        },
        remote_ids === undefined ? undefined : (remote_ids ?? []),
      );
      return { identity_provider: view(idp) };
    },
  );

  app.delete<{ Params: IdParam }>(`${BASE}/:idp_id`, { schema: { params: IdParam } }, async (req, reply) => {
    req.ctx.enforce('identity:delete_identity_provider');
    await deleteIdentityProvider(deps.db, req.params.idp_id);
    return reply.code(204).send();
  });
}
