import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { newId } from '../../core/ids.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import type { PolicyBlobRow } from '../extension-tables.ts';
import { parseObject, splitExtra } from '../rows.ts';
import {
  createPolicyBlob,
  deletePolicyBlob,
  getPolicyBlob,
  listPolicyBlobs,
  policyBlobOf,
  updatePolicyBlob,
} from '../store/policy-blobs.ts';

/**
 * /v3/policies: opaque policy documents Keystone stores for other services (deprecated since Queens but still
 * served). Strata stores them and never interprets the blob. Free-form attributes are kept, as in Keystone.
 * Keystone (Flask) answers HEAD wherever it answers GET, so every GET here is declared for both.
 */
const Props = {
  blob: Type.String(),
  type: Type.String({ maxLength: 255 }),
};
const PolicyCreate = Type.Object({
  policy: Type.Object(Props, { additionalProperties: true }),
});
type PolicyCreate = Static<typeof PolicyCreate>;
const PolicyUpdate = Type.Object({
  policy: Type.Object(
    { blob: Type.Optional(Props.blob), type: Type.Optional(Props.type) },
    { additionalProperties: true, minProperties: 1 },
  ),
});
type PolicyUpdate = Static<typeof PolicyUpdate>;
const IdParam = Type.Object({ policy_id: Type.String({ maxLength: 64 }) });
type IdParam = Static<typeof IdParam>;
const ListQuery = Type.Object({ type: Type.Optional(Type.String()) });
type ListQuery = Static<typeof ListQuery>;

const KNOWN = ['blob', 'type'] as const;

export function policyBlobsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (r: PolicyBlobRow) => ({ ...policyBlobOf(r), links: { self: deps.url(`/policies/${r.id}`) } });

  app.route<{ Querystring: ListQuery }>({
    method: ['GET', 'HEAD'],
    url: '/v3/policies',
    schema: { querystring: ListQuery },
    handler: async (req) => {
      req.ctx.enforce('identity:list_policies');
      const rows = await listPolicyBlobs(deps.db, req.query);
      return { policies: rows.map(view), links: collectionLinks(deps, '/policies') };
    },
  });

  app.post<{ Body: PolicyCreate }>('/v3/policies', { schema: { body: PolicyCreate } }, async (req, reply) => {
    req.ctx.enforce('identity:create_policy');
    // Keystone ignores an id in the body and always assigns one.
    const [cols, extra] = splitExtra(req.body.policy, KNOWN);
    const row = await createPolicyBlob(deps.db, {
      id: newId(),
      blob: cols.blob as string,
      type: cols.type as string,
      extra: JSON.stringify(extra),
    });
    return reply.code(201).send({ policy: view(row) });
  });

  app.route<{ Params: IdParam }>({
    method: ['GET', 'HEAD'],
    url: '/v3/policies/:policy_id',
    schema: { params: IdParam },
    handler: async (req) => {
      req.ctx.enforce('identity:get_policy');
      return { policy: view(await getPolicyBlob(deps.db, req.params.policy_id)) };
    },
  });

  app.patch<{ Params: IdParam; Body: PolicyUpdate }>(
    '/v3/policies/:policy_id',
    { schema: { params: IdParam, body: PolicyUpdate } },
    async (req) => {
      req.ctx.enforce('identity:update_policy');
      const [cols, extra] = splitExtra(req.body.policy, KNOWN);
      const row = await updatePolicyBlob(deps.db, req.params.policy_id, (current) => ({
        ...(cols.blob !== undefined && { blob: cols.blob as string }),
        ...(cols.type !== undefined && { type: cols.type as string }),
        extra: JSON.stringify({ ...parseObject(current.extra), ...extra }),
      }));
      return { policy: view(row) };
    },
  );

  app.delete<{ Params: IdParam }>('/v3/policies/:policy_id', { schema: { params: IdParam } }, async (req, reply) => {
    req.ctx.enforce('identity:delete_policy');
    await deletePolicyBlob(deps.db, req.params.policy_id);
    return reply.code(204).send();
  });
}
