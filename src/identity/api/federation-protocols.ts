import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import type { FederationProtocolRow } from '../extension-tables.ts';
import {
  createProtocol,
  deleteProtocol,
  getProtocol,
  listProtocols,
  updateProtocol,
} from '../store/federation-protocols.ts';

/** OS-FEDERATION protocols of an identity provider: which mapping applies to assertions arriving by which protocol. */
const MappingId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-_]+$' });
const RemoteIdAttribute = Type.String({ maxLength: 64 });
const ProtocolCreate = Type.Object({
  protocol: Type.Object(
    { mapping_id: MappingId, remote_id_attribute: Type.Optional(RemoteIdAttribute) },
    { additionalProperties: false },
  ),
});
type ProtocolCreate = Static<typeof ProtocolCreate>;
const ProtocolUpdate = Type.Object({
  protocol: Type.Object(
    { mapping_id: Type.Optional(MappingId), remote_id_attribute: Type.Optional(RemoteIdAttribute) },
    { additionalProperties: false, minProperties: 1 },
  ),
});
type ProtocolUpdate = Static<typeof ProtocolUpdate>;
const IdpParam = Type.Object({ idp_id: Type.String({ maxLength: 64 }) });
type IdpParam = Static<typeof IdpParam>;
const Params = Type.Object({
  idp_id: Type.String({ maxLength: 64 }),
  protocol_id: Type.String({ minLength: 1, maxLength: 64 }),
});
type Params = Static<typeof Params>;

const BASE = '/v3/OS-FEDERATION/identity_providers/:idp_id/protocols';

export function federationProtocolsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  // Keystone shows only these fields of a protocol (remote_id_attribute is stored but not returned).
  const view = (r: FederationProtocolRow) => {
    const idp = deps.url(`/OS-FEDERATION/identity_providers/${r.idp_id}`);
    return { id: r.id, mapping_id: r.mapping_id, links: { self: `${idp}/protocols/${r.id}`, identity_provider: idp } };
  };

  app.route<{ Params: IdpParam }>({
    method: ['GET', 'HEAD'],
    url: BASE,
    schema: { params: IdpParam },
    handler: async (req) => {
      req.ctx.enforce('identity:list_protocols');
      const rows = await listProtocols(deps.db, req.params.idp_id);
      return {
        protocols: rows.map(view),
        links: collectionLinks(deps, `/OS-FEDERATION/identity_providers/${req.params.idp_id}/protocols`),
      };
    },
  });

  app.route<{ Params: Params }>({
    method: ['GET', 'HEAD'],
    url: `${BASE}/:protocol_id`,
    schema: { params: Params },
    handler: async (req) => {
      req.ctx.enforce('identity:get_protocol');
      return { protocol: view(await getProtocol(deps.db, req.params.idp_id, req.params.protocol_id)) };
    },
  });

  app.put<{ Params: Params; Body: ProtocolCreate }>(
    `${BASE}/:protocol_id`,
    { schema: { params: Params, body: ProtocolCreate } },
    async (req, reply) => {
      req.ctx.enforce('identity:create_protocol');
      const row = await createProtocol(deps.db, {
        id: req.params.protocol_id,
        idp_id: req.params.idp_id,
        mapping_id: req.body.protocol.mapping_id,
        remote_id_attribute: req.body.protocol.remote_id_attribute ?? null,
      });
      return reply.code(201).send({ protocol: view(row) });
    },
  );

  app.patch<{ Params: Params; Body: ProtocolUpdate }>(
    `${BASE}/:protocol_id`,
    { schema: { params: Params, body: ProtocolUpdate } },
    async (req) => {
      req.ctx.enforce('identity:update_protocol');
      const { mapping_id, remote_id_attribute } = req.body.protocol;
      const row = await updateProtocol(deps.db, req.params.idp_id, req.params.protocol_id, {
        ...(mapping_id !== undefined && { mapping_id }),
        ...(remote_id_attribute !== undefined && { remote_id_attribute }),
      });
      return { protocol: view(row) };
    },
  );

  app.delete<{ Params: Params }>(`${BASE}/:protocol_id`, { schema: { params: Params } }, async (req, reply) => {
    req.ctx.enforce('identity:delete_protocol');
    await deleteProtocol(deps.db, req.params.idp_id, req.params.protocol_id);
    return reply.code(204).send();
  });
}
