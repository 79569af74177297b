import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import type { MappingRow } from '../extension-tables.ts';
import {
  createMapping,
  deleteMapping,
  getMapping,
  listMappings,
  mappingOf,
  updateMapping,
} from '../store/federation-mappings.ts';
import { MappingBody } from './federation-mapping-schema.ts';

/** OS-FEDERATION mappings: stored and validated as Keystone does; Strata evaluates none (no federated login). */
const MappingRequest = Type.Object({ mapping: MappingBody });
type MappingRequest = Static<typeof MappingRequest>;
const IdParam = Type.Object({ mapping_id: Type.String({ minLength: 1, maxLength: 64 }) });
type IdParam = Static<typeof IdParam>;

const BASE = '/v3/OS-FEDERATION/mappings';

export function federationMappingsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (r: MappingRow) => ({
    ...mappingOf(r),
    links: { self: deps.url(`/OS-FEDERATION/mappings/${r.id}`) },
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: BASE,
    handler: async (req) => {
      req.ctx.enforce('identity:list_mappings');
      const rows = await listMappings(deps.db);
      return { mappings: rows.map(view), links: collectionLinks(deps, '/OS-FEDERATION/mappings') };
    },
  });

  app.route<{ Params: IdParam }>({
    method: ['GET', 'HEAD'],
    url: `${BASE}/:mapping_id`,
    schema: { params: IdParam },
    handler: async (req) => {
      req.ctx.enforce('identity:get_mapping');
      return { mapping: view(await getMapping(deps.db, req.params.mapping_id)) };
    },
  });

  app.put<{ Params: IdParam; Body: MappingRequest }>(
    `${BASE}/:mapping_id`,
    { schema: { params: IdParam, body: MappingRequest } },
    async (req, reply) => {
      req.ctx.enforce('identity:create_mapping');
      const row = await createMapping(deps.db, {
        id: req.params.mapping_id,
        rules: JSON.stringify(req.body.mapping.rules),
      });
      return reply.code(201).send({ mapping: view(row) });
    },
  );

  app.patch<{ Params: IdParam; Body: MappingRequest }>(
    `${BASE}/:mapping_id`,
    { schema: { params: IdParam, body: MappingRequest } },
    async (req) => {
      req.ctx.enforce('identity:update_mapping');
      const row = await updateMapping(deps.db, req.params.mapping_id, JSON.stringify(req.body.mapping.rules));
      return { mapping: view(row) };
    },
  );

  app.delete<{ Params: IdParam }>(`${BASE}/:mapping_id`, { schema: { params: IdParam } }, async (req, reply) => {
    req.ctx.enforce('identity:delete_mapping');
    await deleteMapping(deps.db, req.params.mapping_id);
    return reply.code(204).send();
  });
}
