import { type Static, Type } from '@sinclair/typebox';
import { NotFound, Unauthorized } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import type { AccessTokenRow } from '../extension-tables.ts';
import { parseList } from '../rows.ts';
import { deleteAccessToken, getAccessToken, listAccessTokens } from '../store/oauth1-tokens.ts';
import { domainOf } from '../store/roles.ts';

/** A user's OS-OAUTH1 access tokens: what they have delegated to which consumer. GETs also answer HEAD. */
const UserParam = Type.Object({ user_id: Type.String({ maxLength: 64 }) });
type UserParam = Static<typeof UserParam>;
const TokenParams = Type.Object({
  user_id: Type.String({ maxLength: 64 }),
  access_token_id: Type.String({ maxLength: 64 }),
});
type TokenParams = Static<typeof TokenParams>;
const RoleParams = Type.Object({
  user_id: Type.String({ maxLength: 64 }),
  access_token_id: Type.String({ maxLength: 64 }),
  role_id: Type.String({ maxLength: 64 }),
});
type RoleParams = Static<typeof RoleParams>;

export function oauth1AccessTokensRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const base = (userId: string) => deps.url(`/users/${userId}/OS-OAUTH1/access_tokens`);
  // The secret and role ids stay private; the roles are one link away.
  const view = (t: AccessTokenRow) => ({
    id: t.id,
    consumer_id: t.consumer_id,
    project_id: t.project_id,
    authorizing_user_id: t.authorizing_user_id,
    expires_at: t.expires_at,
    links: {
      self: `${base(t.authorizing_user_id)}/${t.id}`,
      roles: `${base(t.authorizing_user_id)}/${t.id}/roles`,
    },
  });
  /** Keystone answers 404 for another user's token, so its existence does not leak. */
  const ownToken = async (userId: string, id: string) => {
    const token = await getAccessToken(deps.db, id);
    if (token.authorizing_user_id !== userId) throw new NotFound('The resource could not be found.');
    return token;
  };
  const rolesView = async (ids: readonly string[]) => {
    if (ids.length === 0) return [];
    const rows = await deps.db.selectFrom('roles').selectAll().where('id', 'in', ids).orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      domain_id: domainOf(r),
      links: { self: deps.url(`/roles/${r.id}`) },
    }));
  };

  app.route<{ Params: UserParam }>({
    method: ['GET', 'HEAD'],
    url: '/v3/users/:user_id/OS-OAUTH1/access_tokens',
    schema: { params: UserParam },
    handler: async (req) => {
      req.ctx.enforce('identity:list_access_tokens', { user_id: req.params.user_id });
      const rows = await listAccessTokens(deps.db, req.params.user_id);
      return {
        access_tokens: rows.map(view),
        links: collectionLinks(deps, `/users/${req.params.user_id}/OS-OAUTH1/access_tokens`),
      };
    },
  });

  app.route<{ Params: TokenParams }>({
    method: ['GET', 'HEAD'],
    url: '/v3/users/:user_id/OS-OAUTH1/access_tokens/:access_token_id',
    schema: { params: TokenParams },
    handler: async (req) => {
      req.ctx.enforce('identity:get_access_token', { user_id: req.params.user_id });
      return { access_token: view(await ownToken(req.params.user_id, req.params.access_token_id)) };
    },
  });

  app.delete<{ Params: TokenParams }>(
    '/v3/users/:user_id/OS-OAUTH1/access_tokens/:access_token_id',
    { schema: { params: TokenParams } },
    async (req, reply) => {
      // Keystone checks this rule here, not identity:delete_access_token.
      req.ctx.enforce('identity:ec2_delete_credential', { user_id: req.params.user_id });
      await deleteAccessToken(deps.db, req.params.user_id, req.params.access_token_id);
      return reply.code(204).send();
    },
  );

  app.route<{ Params: TokenParams }>({
    method: ['GET', 'HEAD'],
    url: '/v3/users/:user_id/OS-OAUTH1/access_tokens/:access_token_id/roles',
    schema: { params: TokenParams },
    handler: async (req) => {
      req.ctx.enforce('identity:list_access_token_roles', { user_id: req.params.user_id });
      const token = await ownToken(req.params.user_id, req.params.access_token_id);
      return {
        roles: await rolesView(parseList(token.role_ids)),
        links: collectionLinks(
          deps,
          `/users/${req.params.user_id}/OS-OAUTH1/access_tokens/${req.params.access_token_id}/roles`,
        ),
      };
    },
  });

  app.route<{ Params: RoleParams }>({
    method: ['GET', 'HEAD'],
    url: '/v3/users/:user_id/OS-OAUTH1/access_tokens/:access_token_id/roles/:role_id',
    schema: { params: RoleParams },
    handler: async (req) => {
      req.ctx.enforce('identity:get_access_token_role', { user_id: req.params.user_id });
      const { user_id, access_token_id, role_id } = req.params;
      const token = await getAccessToken(deps.db, access_token_id);
      if (token.authorizing_user_id !== user_id) throw new Unauthorized('User IDs do not match');
      const [role] = parseList(token.role_ids).includes(role_id) ? await rolesView([role_id]) : [];
      if (!role) throw new NotFound(`Could not find role: ${role_id}.`);
      return { role };
    },
  });
}
