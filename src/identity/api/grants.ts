import { type Static, Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { checkGrantable, type GrantContext, loadGrantContext, revokeTokensFor } from '../grant-context.ts';
import { createGrant, deleteGrant, listGrantedRoles, requireGrant } from '../store/assignments.ts';
import { roleOf } from '../store/roles.ts';
import type { RoleRow } from '../tables.ts';

const Id = Type.String({ minLength: 1, maxLength: 255 });
const GrantParams = Type.Object({
  project_id: Type.Optional(Id),
  domain_id: Type.Optional(Id),
  user_id: Type.Optional(Id),
  group_id: Type.Optional(Id),
  role_id: Type.Optional(Id),
});
type GrantParams = Static<typeof GrantParams>;
type Req = FastifyRequest<{ Params: GrantParams }>;

type ScopeKind = 'project' | 'domain' | 'system';
type ActorKind = 'user' | 'group';

/**
 * Role grants: `/v3/{projects,domains}/{id}/{users,groups}/{id}/roles[/{role_id}]`, their OS-INHERIT twins
 * (`/v3/OS-INHERIT/.../roles/{role_id}/inherited_to_projects`; only domains have the list), and system grants
 * `/v3/system/{users,groups}/{id}/roles[/{role_id}]`. PUT, check (GET or HEAD) and DELETE answer 204.
 */
export function grantsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (r: RoleRow) => ({ ...roleOf(r), links: { self: deps.url(`/roles/${r.id}`) } });
  const schema = { params: GrantParams };

  const routes = (scope: ScopeKind, actor: ActorKind, inherited: boolean) => {
    const rules =
      scope === 'system'
        ? {
            check: `identity:check_system_grant_for_${actor}`,
            create: `identity:create_system_grant_for_${actor}`,
            revoke: `identity:revoke_system_grant_for_${actor}`,
            list: `identity:list_system_grants_for_${actor}`,
          }
        : {
            check: 'identity:check_grant',
            create: 'identity:create_grant',
            revoke: 'identity:revoke_grant',
            list: 'identity:list_grants',
          };
    const load = (req: Req, verb: 'check' | 'create' | 'revoke' | 'list'): Promise<GrantContext> =>
      loadGrantContext(deps, req, { scope, actor, inherited, rule: rules[verb], verb });

    const check = async (req: Req, reply: FastifyReply) => {
      const g = await load(req, 'check');
      await requireGrant(deps.db, g.key);
      return reply.code(204).send();
    };
    const list = async (req: Req) => {
      const g = await load(req, 'list');
      const rows = await listGrantedRoles(deps.db, g.key);
      const path = req.url.split('?')[0].replace(/^.*?\/v3/, '');
      return { roles: rows.map(view), links: collectionLinks(deps, path) };
    };

    const base =
      scope === 'system'
        ? `/v3/system/${actor}s/:${actor}_id/roles`
        : `${inherited ? '/v3/OS-INHERIT' : '/v3'}/${scope}s/:${scope}_id/${actor}s/:${actor}_id/roles`;
    const one = `${base}/:role_id${inherited ? '/inherited_to_projects' : ''}`;

    app.put<{ Params: GrantParams }>(one, { schema }, async (req, reply) => {
      const g = await load(req, 'create');
      checkGrantable(g);
      await createGrant(deps.db, g.key);
      await deps.revocations.tokensChanged();
      return reply.code(204).send();
    });
    app.get<{ Params: GrantParams }>(one, { schema }, check);
    app.head<{ Params: GrantParams }>(one, { schema }, check);
    app.delete<{ Params: GrantParams }>(one, { schema }, async (req, reply) => {
      const g = await load(req, 'revoke');
      await deleteGrant(deps.db, g.key);
      await revokeTokensFor(deps, g.key);
      return reply.code(204).send();
    });

    // Keystone lists OS-INHERIT grants on domains only; an inherited project grant is checked one by one.
    if (inherited && scope !== 'domain') return;
    const listPath = inherited ? `${base}/inherited_to_projects` : base;
    app.get<{ Params: GrantParams }>(listPath, { schema }, list);
    app.head<{ Params: GrantParams }>(listPath, { schema }, async (req, reply) => {
      await list(req);
      return reply.code(200).send();
    });
  };

  for (const actor of ['user', 'group'] as const) {
    for (const scope of ['project', 'domain'] as const)
      for (const inherited of [false, true]) routes(scope, actor, inherited);
    routes('system', actor, false);
  }
}
