import { type Static, Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFound } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { createTrust, refuseAppCredToken } from '../create-trust.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { trustExpiresAt } from '../expiry-dates.ts';
import { rawQuery } from '../query-hints.ts';
import { rolesByIds } from '../role-refs.ts';
import { parseList, parseObject, toBool } from '../rows.ts';
import { roleOf } from '../store/roles.ts';
import { deleteTrustTree, getLiveTrust, listTrusts } from '../store/trusts.ts';
import type { RoleRow, TrustRow } from '../tables.ts';

const NullableString = Type.Union([Type.String(), Type.Null()]);
// Keystone's trust_create_request_body: unknown attributes are allowed and kept.
const TrustCreate = Type.Object(
  {
    trust: Type.Object({
      trustor_user_id: Type.String(),
      trustee_user_id: Type.String(),
      impersonation: Type.Boolean(),
      project_id: Type.Optional(NullableString),
      remaining_uses: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
      expires_at: Type.Optional(NullableString),
      allow_redelegation: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
      redelegation_count: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
      redelegated_trust_id: Type.Optional(NullableString),
      roles: Type.Optional(
        Type.Array(
          Type.Union([
            Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
            Type.Object(
              { name: Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' }) },
              { additionalProperties: false },
            ),
          ]),
        ),
      ),
    }),
  },
  { additionalProperties: false },
);
type TrustCreate = Static<typeof TrustCreate>;
const ListQuery = Type.Object({
  trustor_user_id: Type.Optional(Type.String()),
  trustee_user_id: Type.Optional(Type.String()),
});
type ListQuery = Static<typeof ListQuery>;
const TrustParam = Type.Object({ trust_id: Type.String() });
type TrustParam = Static<typeof TrustParam>;
const RoleParams = Type.Object({ trust_id: Type.String(), role_id: Type.String() });
type RoleParams = Static<typeof RoleParams>;

/** OS-TRUST: delegation of a trustor's roles on a project to a trustee. */
export function trustsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const roleView = (r: RoleRow) => ({ ...roleOf(r), links: { self: deps.url(`/roles/${r.id}`) } });
  const rolesLinks = (t: TrustRow) => ({
    self: deps.url(`/OS-TRUST/trusts/${t.id}/roles`),
    previous: null,
    next: null,
  });
  /** The trust as Keystone shows it; listings leave out the roles. */
  const trustView = async (t: TrustRow, opts: { roles: boolean }) => ({
    ...parseObject(t.extra),
    id: t.id,
    trustor_user_id: t.trustor_user_id,
    trustee_user_id: t.trustee_user_id,
    project_id: t.project_id,
    impersonation: toBool(t.impersonation),
    expires_at: trustExpiresAt(t.expires_at),
    remaining_uses: t.remaining_uses,
    redelegated_trust_id: t.redelegated_trust_id,
    redelegation_count: t.redelegation_count,
    deleted_at: t.deleted_at,
    links: { self: deps.url(`/OS-TRUST/trusts/${t.id}`) },
    ...(opts.roles && {
      roles: (await rolesByIds(deps.db, parseList(t.roles))).map(roleView),
      roles_links: rolesLinks(t),
    }),
  });
  /**
   * Reads the trust before the policy check: a missing, expired or used-up trust is a 404 even for a caller
   * the policy would refuse (Keystone, lp#1840288). Application credential tokens are refused after.
   */
  const loadFor = async (req: FastifyRequest<{ Params: TrustParam }>, rule: string) => {
    const trust = await getLiveTrust(deps.db, req.params.trust_id);
    req.ctx.enforce(rule, { trust_id: trust.id, target: { trust } });
    refuseAppCredToken(req.ctx.requireAuth());
    return trust;
  };
  // Flask answers HEAD for every GET with the same status and no body; Tempest's check_trust_role expects 200.
  const headOf =
    <R extends { Params: TrustParam }>(get: (req: FastifyRequest<R>) => Promise<unknown>) =>
    async (req: FastifyRequest<R>, reply: FastifyReply) => {
      await get(req);
      return reply.code(200).send();
    };

  app.post<{ Body: TrustCreate }>('/v3/OS-TRUST/trusts', { schema: { body: TrustCreate } }, async (req, reply) => {
    req.ctx.enforce('identity:create_trust', { target: { trust: req.body.trust } });
    const trust = await createTrust(deps, req.ctx.requireAuth(), req.body.trust);
    return reply.code(201).send({ trust: await trustView(trust, { roles: true }) });
  });

  const list = async (req: FastifyRequest<{ Querystring: ListQuery }>) => {
    const { trustor_user_id: trustor, trustee_user_id: trustee } = req.query;
    if (trustor)
      req.ctx.enforce('identity:list_trusts_for_trustor', { target: { trust: { trustor_user_id: trustor } } });
    else if (trustee)
      req.ctx.enforce('identity:list_trusts_for_trustee', { target: { trust: { trustee_user_id: trustee } } });
    else req.ctx.enforce('identity:list_trusts');
    refuseAppCredToken(req.ctx.requireAuth());
    const query = rawQuery(req.url);
    // Keystone lists everything only when there is no query at all; an unknown filter alone matches nothing.
    const rows = !query
      ? await listTrusts(deps.db, {})
      : trustor
        ? await listTrusts(deps.db, { trustor_user_id: trustor })
        : trustee
          ? await listTrusts(deps.db, { trustee_user_id: trustee })
          : [];
    return {
      trusts: await Promise.all(rows.map((t) => trustView(t, { roles: false }))),
      links: collectionLinks(deps, '/OS-TRUST/trusts', query),
    };
  };
  const listOpts = { schema: { querystring: ListQuery } };
  app.get<{ Querystring: ListQuery }>('/v3/OS-TRUST/trusts', listOpts, list);
  app.head<{ Querystring: ListQuery }>('/v3/OS-TRUST/trusts', listOpts, async (req, reply) => {
    await list(req);
    return reply.code(200).send();
  });

  const show = async (req: FastifyRequest<{ Params: TrustParam }>) => {
    const trust = await loadFor(req, 'identity:get_trust');
    return { trust: await trustView(trust, { roles: true }) };
  };
  const oneOpts = { schema: { params: TrustParam } };
  app.get<{ Params: TrustParam }>('/v3/OS-TRUST/trusts/:trust_id', oneOpts, show);
  app.head<{ Params: TrustParam }>('/v3/OS-TRUST/trusts/:trust_id', oneOpts, headOf(show));

  app.delete<{ Params: TrustParam }>('/v3/OS-TRUST/trusts/:trust_id', oneOpts, async (req, reply) => {
    const trust = await loadFor(req, 'identity:delete_trust');
    // Redelegated trusts go with it, and every token scoped to any of them stops validating.
    for (const id of await deleteTrustTree(deps.db, trust.id)) await deps.revocations.revoke({ trust_id: id });
    return reply.code(204).send();
  });

  const roles = async (req: FastifyRequest<{ Params: TrustParam }>) => {
    const trust = await loadFor(req, 'identity:list_roles_for_trust');
    return { roles: (await rolesByIds(deps.db, parseList(trust.roles))).map(roleView), links: rolesLinks(trust) };
  };
  app.get<{ Params: TrustParam }>('/v3/OS-TRUST/trusts/:trust_id/roles', oneOpts, roles);
  app.head<{ Params: TrustParam }>('/v3/OS-TRUST/trusts/:trust_id/roles', oneOpts, headOf(roles));

  const role = async (req: FastifyRequest<{ Params: RoleParams }>) => {
    const trust = await loadFor(req, 'identity:get_role_for_trust');
    const [row] = parseList(trust.roles).includes(req.params.role_id)
      ? await rolesByIds(deps.db, [req.params.role_id])
      : [];
    if (!row) throw new NotFound(`Could not find role: ${req.params.role_id}.`);
    return { role: roleView(row) };
  };
  const roleOpts = { schema: { params: RoleParams } };
  app.get<{ Params: RoleParams }>('/v3/OS-TRUST/trusts/:trust_id/roles/:role_id', roleOpts, role);
  app.head<{ Params: RoleParams }>('/v3/OS-TRUST/trusts/:trust_id/roles/:role_id', roleOpts, headOf(role));
}
