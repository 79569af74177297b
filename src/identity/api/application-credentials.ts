import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import {
  createApplicationCredential,
  refuseRestrictedAppCred,
  refuseTrustToken,
} from '../create-application-credential.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { appCredExpiresAt } from '../expiry-dates.ts';
import { rawQuery } from '../query-hints.ts';
import { rolesByIds } from '../role-refs.ts';
import { parseList, toBool } from '../rows.ts';
import {
  accessRulesByIds,
  deleteAccessRule,
  deleteAppCred,
  findAppCred,
  getAccessRule,
  getAppCred,
  listAccessRules,
  listAppCreds,
} from '../store/application-credentials.ts';
import { domainOf } from '../store/roles.ts';
import { findUser } from '../store/users.ts';
import type { AccessRuleRow, AppCredRow } from '../tables.ts';

// Keystone's parameter_types.name and id_string, and its access rule properties.
const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' });
const AccessRuleIn = Type.Object({
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' })),
  service: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' })),
  path: Type.Optional(Type.String({ maxLength: 225, pattern: '^/' })),
  method: Type.Optional(Type.Union(['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'].map((m) => Type.Literal(m)))),
});
const RoleIn = Type.Union([
  Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  Type.Object({ name: Name }, { additionalProperties: false }),
]);
const AppCredCreate = Type.Object(
  {
    application_credential: Type.Object(
      {
        id: Type.Optional(Type.String()),
        name: Name,
        description: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        secret: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        expires_at: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        project_id: Type.Optional(Type.String()),
        system: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        roles: Type.Optional(Type.Array(RoleIn)),
        unrestricted: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
        access_rules: Type.Optional(Type.Array(AccessRuleIn)),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
type AppCredCreate = Static<typeof AppCredCreate>;
const UserParam = Type.Object({ user_id: Type.String({ maxLength: 64 }) });
type UserParam = Static<typeof UserParam>;
const CredParams = Type.Object({ user_id: Type.String(), application_credential_id: Type.String() });
type CredParams = Static<typeof CredParams>;
const RuleParams = Type.Object({ user_id: Type.String(), access_rule_id: Type.String() });
type RuleParams = Static<typeof RuleParams>;
const CredQuery = Type.Object({ name: Type.Optional(Type.String()) });
type CredQuery = Static<typeof CredQuery>;
const RuleQuery = Type.Object({
  service: Type.Optional(Type.String()),
  path: Type.Optional(Type.String()),
  method: Type.Optional(Type.String()),
});
type RuleQuery = Static<typeof RuleQuery>;

/** Application credentials and their access rules, under /v3/users/{user_id} (Keystone's users API). */
export function applicationCredentialsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const ruleView = (r: AccessRuleRow) => ({
    id: r.id,
    service: r.service,
    path: r.path,
    method: r.method,
    links: { self: deps.url(`/users/${r.user_id}/access_rules/${r.id}`) },
  });
  // Keystone hides user_id and system (its _public_parameters); the secret is only ever shown by create.
  const credView = async (c: AppCredRow, rules?: AccessRuleRow[]) => {
    const roles = await rolesByIds(deps.db, parseList(c.roles));
    rules ??= await accessRulesByIds(deps.db, parseList(c.access_rules));
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      project_id: c.project_id,
      expires_at: appCredExpiresAt(c.expires_at),
      unrestricted: toBool(c.unrestricted),
      roles: roles.map((r) => ({ id: r.id, name: r.name, domain_id: domainOf(r) })),
      access_rules: rules.map((r) => ({ id: r.id, service: r.service, path: r.path, method: r.method })),
      links: { self: deps.url(`/users/${c.user_id}/application_credentials/${c.id}`) },
    };
  };
  // get and delete judge ownership by the stored credential, not the path: naming yourself in the path
  // must not open someone else's credential.
  const ownerTarget = async (p: CredParams) => ({
    user_id: (await findAppCred(deps.db, p.application_credential_id))?.user_id ?? p.user_id,
  });
  const userTarget = async (userId: string) => {
    const user = await findUser(deps.db, userId);
    return user ? { user_id: userId, target: { user } } : { user_id: userId };
  };

  const listCreds = async (req: FastifyRequest<{ Params: UserParam; Querystring: CredQuery }>) => {
    req.ctx.enforce('identity:list_application_credentials', { user_id: req.params.user_id });
    refuseTrustToken(req.ctx.requireAuth());
    const rows = await listAppCreds(deps.db, req.params.user_id, req.query);
    return {
      application_credentials: await Promise.all(rows.map((r) => credView(r))),
      links: collectionLinks(deps, `/users/${req.params.user_id}/application_credentials`, rawQuery(req.url)),
    };
  };
  const credPath = '/v3/users/:user_id/application_credentials';
  const credOpts = { schema: { params: UserParam, querystring: CredQuery } };
  app.get<{ Params: UserParam; Querystring: CredQuery }>(credPath, credOpts, listCreds);
  app.head<{ Params: UserParam; Querystring: CredQuery }>(credPath, credOpts, async (req, reply) => {
    await listCreds(req);
    return reply.code(200).send();
  });

  app.post<{ Params: UserParam; Body: AppCredCreate }>(
    credPath,
    { schema: { params: UserParam, body: AppCredCreate } },
    async (req, reply) => {
      req.ctx.enforce('identity:create_application_credential', { user_id: req.params.user_id });
      const body = req.body.application_credential;
      const made = await createApplicationCredential(deps, req.ctx.requireAuth(), req.params.user_id, body);
      return reply
        .code(201)
        .send({ application_credential: { ...(await credView(made.cred, made.rules)), secret: made.secret } });
    },
  );

  const showCred = async (req: FastifyRequest<{ Params: CredParams }>) => {
    req.ctx.enforce('identity:get_application_credential', await ownerTarget(req.params));
    refuseTrustToken(req.ctx.requireAuth());
    return { application_credential: await credView(await getAppCred(deps.db, req.params.application_credential_id)) };
  };
  const onePath = `${credPath}/:application_credential_id`;
  app.get<{ Params: CredParams }>(onePath, { schema: { params: CredParams } }, showCred);
  app.head<{ Params: CredParams }>(onePath, { schema: { params: CredParams } }, async (req, reply) => {
    await showCred(req);
    return reply.code(200).send();
  });

  app.delete<{ Params: CredParams }>(onePath, { schema: { params: CredParams } }, async (req, reply) => {
    req.ctx.enforce('identity:delete_application_credential', await ownerTarget(req.params));
    const auth = req.ctx.requireAuth();
    refuseTrustToken(auth);
    await refuseRestrictedAppCred(deps, auth);
    await deleteAppCred(deps.db, req.params.application_credential_id);
    // Validation re-reads the credential and finds it gone, once cached validations are dropped.
    await deps.revocations.tokensChanged();
    return reply.code(204).send();
  });

  const listRules = async (req: FastifyRequest<{ Params: UserParam; Querystring: RuleQuery }>) => {
    req.ctx.enforce('identity:list_access_rules', await userTarget(req.params.user_id));
    refuseTrustToken(req.ctx.requireAuth());
    const rows = await listAccessRules(deps.db, req.params.user_id, req.query);
    return {
      access_rules: rows.map(ruleView),
      links: collectionLinks(deps, `/users/${req.params.user_id}/access_rules`, rawQuery(req.url)),
    };
  };
  const rulesPath = '/v3/users/:user_id/access_rules';
  const rulesOpts = { schema: { params: UserParam, querystring: RuleQuery } };
  app.get<{ Params: UserParam; Querystring: RuleQuery }>(rulesPath, rulesOpts, listRules);
  app.head<{ Params: UserParam; Querystring: RuleQuery }>(rulesPath, rulesOpts, async (req, reply) => {
    await listRules(req);
    return reply.code(200).send();
  });

  const showRule = async (req: FastifyRequest<{ Params: RuleParams }>) => {
    req.ctx.enforce('identity:get_access_rule', await userTarget(req.params.user_id));
    refuseTrustToken(req.ctx.requireAuth());
    return { access_rule: ruleView(await getAccessRule(deps.db, req.params.user_id, req.params.access_rule_id)) };
  };
  const rulePath = `${rulesPath}/:access_rule_id`;
  app.get<{ Params: RuleParams }>(rulePath, { schema: { params: RuleParams } }, showRule);
  app.head<{ Params: RuleParams }>(rulePath, { schema: { params: RuleParams } }, async (req, reply) => {
    await showRule(req);
    return reply.code(200).send();
  });

  app.delete<{ Params: RuleParams }>(rulePath, { schema: { params: RuleParams } }, async (req, reply) => {
    req.ctx.enforce('identity:delete_access_rule', await userTarget(req.params.user_id));
    refuseTrustToken(req.ctx.requireAuth());
    await deleteAccessRule(deps.db, req.params.user_id, req.params.access_rule_id);
    return reply.code(204).send();
  });
}
