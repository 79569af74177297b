import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { NotFound } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import type { IdentityDeps } from '../deps.ts';
import { createRule, deleteRule, getRule, listRules, rolesForRules } from '../store/implied-roles.ts';
import { findRole, roleTarget } from '../store/roles.ts';
import type { RoleRow } from '../tables.ts';

const PriorParam = Type.Object({ prior_role_id: Type.String({ maxLength: 255 }) });
type PriorParam = Static<typeof PriorParam>;
const RuleParams = Type.Object({
  prior_role_id: Type.String({ maxLength: 255 }),
  implied_role_id: Type.String({ maxLength: 255 }),
});
type RuleParams = Static<typeof RuleParams>;

export function impliedRolesRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const brief = (r: Pick<RoleRow, 'id' | 'name'>) => ({
    id: r.id,
    links: { self: deps.url(`/roles/${r.id}`) },
    name: r.name,
  });

  /** Keystone reads both roles into the policy target, enforces, and only then reports a missing one. */
  const enforced = async (req: FastifyRequest, rules: string[], priorId: string, impliedId?: string) => {
    const prior = await findRole(deps.db, priorId);
    const implied = impliedId === undefined ? undefined : await findRole(deps.db, impliedId);
    const target = {
      ...(prior && { prior_role: roleTarget(prior) }),
      ...(implied && { implied_role: roleTarget(implied) }),
    };
    for (const rule of rules) req.ctx.enforce(rule, { target });
    if (!prior) throw new NotFound(`Could not find role: ${priorId}.`);
    if (impliedId !== undefined && !implied) throw new NotFound(`Could not find role: ${impliedId}.`);
    return { prior, implied: implied as RoleRow };
  };

  const ruleBody = (prior: RoleRow, implied: RoleRow) => ({
    role_inference: { prior_role: brief(prior), implies: brief(implied) },
    links: { self: deps.url(`/roles/${prior.id}/implies/${implied.id}`) },
  });

  const listForPrior = async (req: FastifyRequest<{ Params: PriorParam }>) => {
    const { prior } = await enforced(req, ['identity:list_implied_roles'], req.params.prior_role_id);
    const rules = await listRules(deps.db, prior.id);
    const roles = await rolesForRules(deps.db, rules);
    return {
      role_inference: {
        prior_role: brief(prior),
        implies: rules.flatMap((r) => {
          const role = roles.get(r.implied_role_id);
          return role ? [brief(role)] : [];
        }),
      },
      links: { self: deps.url(`/roles/${prior.id}/implies`) },
    };
  };
  app.get<{ Params: PriorParam }>('/v3/roles/:prior_role_id/implies', { schema: { params: PriorParam } }, listForPrior);
  app.head<{ Params: PriorParam }>(
    '/v3/roles/:prior_role_id/implies',
    { schema: { params: PriorParam } },
    async (req, reply) => {
      await listForPrior(req);
      return reply.code(200).send();
    },
  );

  const path = '/v3/roles/:prior_role_id/implies/:implied_role_id';
  app.put<{ Params: RuleParams }>(path, { schema: { params: RuleParams } }, async (req, reply) => {
    const { prior, implied } = await enforced(
      req,
      ['identity:create_implied_role'],
      req.params.prior_role_id,
      req.params.implied_role_id,
    );
    await createRule(deps.db, prior.id, implied.id);
    await deps.revocations.tokensChanged();
    return reply.code(201).send(ruleBody(prior, implied));
  });

  app.get<{ Params: RuleParams }>(path, { schema: { params: RuleParams } }, async (req) => {
    const { prior, implied } = await enforced(
      req,
      ['identity:get_implied_role'],
      req.params.prior_role_id,
      req.params.implied_role_id,
    );
    await getRule(deps.db, prior.id, implied.id);
    return ruleBody(prior, implied);
  });

  // Keystone answers this check with 204 (not the 200 a HEAD of the GET would give) and wants both rules.
  app.head<{ Params: RuleParams }>(path, { schema: { params: RuleParams } }, async (req, reply) => {
    const { prior, implied } = await enforced(
      req,
      ['identity:check_implied_role', 'identity:get_implied_role'],
      req.params.prior_role_id,
      req.params.implied_role_id,
    );
    await getRule(deps.db, prior.id, implied.id);
    return reply.code(204).send();
  });

  app.delete<{ Params: RuleParams }>(path, { schema: { params: RuleParams } }, async (req, reply) => {
    const { prior, implied } = await enforced(
      req,
      ['identity:delete_implied_role'],
      req.params.prior_role_id,
      req.params.implied_role_id,
    );
    await deleteRule(deps.db, prior.id, implied.id);
    await deps.revocations.tokensChanged();
    return reply.code(204).send();
  });

  const inferences = async (req: FastifyRequest) => {
    req.ctx.enforce('identity:list_role_inference_rules');
    const rules = await listRules(deps.db);
    const roles = await rolesForRules(deps.db, rules);
    const byPrior = new Map<string, ReturnType<typeof brief>[]>();
    for (const r of rules) {
      const implied = roles.get(r.implied_role_id);
      if (implied) byPrior.set(r.prior_role_id, [...(byPrior.get(r.prior_role_id) ?? []), brief(implied)]);
    }
    return {
      role_inferences: [...byPrior].flatMap(([priorId, implies]) => {
        const prior = roles.get(priorId);
        return prior ? [{ prior_role: brief(prior), implies }] : [];
      }),
    };
  };
  app.get('/v3/role_inferences', inferences);
  app.head('/v3/role_inferences', async (req, reply) => {
    await inferences(req);
    return reply.code(200).send();
  });
}
