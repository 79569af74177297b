import { BadRequest, Forbidden, NotFound, Unauthorized } from '../core/errors.ts';
import type { IdentityDeps } from './deps.ts';
import { effectiveRoles } from './effective-roles.ts';
import { verifyPassword } from './passwords.ts';
import { toBool } from './rows.ts';
import type { UserRow } from './tables.ts';
import { type IssueRequest, type TokenData, validateToken } from './token-model.ts';
import type { TokenScope } from './token-payload.ts';
import { proveUserPassword } from './user-password.ts';

export interface NameOrId {
  id?: string;
  name?: string;
  domain?: { id?: string; name?: string };
}

export interface AuthRequest {
  identity: {
    methods: string[];
    password?: { user: NameOrId & { password: string } };
    token?: { id: string };
    application_credential?: { id?: string; name?: string; secret: string; user?: NameOrId };
  };
  scope?:
    | 'unscoped'
    | {
        project?: NameOrId;
        domain?: { id?: string; name?: string };
        system?: { all?: boolean };
        'OS-TRUST:trust'?: { id: string };
      };
}

const FAILED = 'The request you have made requires authentication.';

/** Proves who the caller is by the requested methods, then works out what the new token is scoped to. */
export async function authenticate(deps: IdentityDeps, auth: AuthRequest): Promise<IssueRequest> {
  const { methods } = auth.identity;
  if (methods.length === 0) throw new BadRequest('Expecting to find methods in identity.');
  for (const m of methods) {
    if (!['password', 'token', 'application_credential'].includes(m))
      throw new Unauthorized(`Attempted to authenticate with an unsupported method: ${m}.`);
    if (!(m in auth.identity)) throw new BadRequest(`Expecting to find ${m} in identity.`);
  }

  let userId: string | undefined;
  let parent: TokenData | undefined;
  if (methods.includes('password')) userId = (await byPassword(deps, auth.identity.password!.user)).id;
  if (methods.includes('token')) {
    parent = await validateToken(deps, auth.identity.token!.id, 'subject');
    if (parent.trust) throw new Forbidden('Trust-scoped tokens cannot be rescoped.');
    if (parent.appCred) throw new Forbidden('Application credential tokens cannot be rescoped.');
    if (userId && userId !== parent.user.id) throw new Unauthorized(FAILED);
    userId = parent.user.id;
  }
  if (methods.includes('application_credential')) {
    const cred = await byAppCredential(deps, auth.identity.application_credential!);
    if (userId && userId !== cred.user_id) throw new Unauthorized(FAILED);
    return {
      userId: cred.user_id,
      methods: ['application_credential'],
      scope: { kind: 'application_credential', projectId: cred.project_id!, appCredId: cred.id },
    };
  }

  const allMethods = parent ? [...new Set([...parent.payload.methods, ...methods])] : methods;
  const scope = await resolveScope(deps, userId!, auth.scope, parent);
  return {
    userId: scope.userId,
    methods: allMethods,
    scope: scope.scope,
    expiresAt: parent?.payload.expiresAt,
    parentAuditIds: parent?.payload.auditIds,
  };
}

async function byPassword(deps: IdentityDeps, who: NameOrId & { password: string }): Promise<UserRow> {
  const user = await proveUserPassword(deps, await findUser(deps, who), who.password, {
    failed: FAILED,
    disabled: FAILED,
    allowExpired: false,
  });
  await deps.db
    .updateTable('users')
    .set({ last_active_at: new Date().toISOString().slice(0, 10) })
    .where('id', '=', user.id)
    .execute();
  return user;
}

async function findUser(deps: IdentityDeps, who: NameOrId): Promise<UserRow | undefined> {
  if (who.id) return deps.db.selectFrom('users').selectAll().where('id', '=', who.id).executeTakeFirst();
  if (!who.name) throw new BadRequest('Expecting to find id or name in user.');
  const domainId = await domainIdOf(deps, who.domain, 'user');
  const user = await deps.db
    .selectFrom('users')
    .selectAll()
    .where('domain_id', '=', domainId)
    .where('name', '=', who.name)
    .executeTakeFirst();
  return user;
}

async function domainIdOf(
  deps: IdentityDeps,
  domain: { id?: string; name?: string } | undefined,
  of: string,
): Promise<string> {
  if (!domain || (!domain.id && !domain.name)) throw new BadRequest(`Expecting to find domain in ${of}.`);
  const row = await deps.db
    .selectFrom('projects')
    .select(['id', 'enabled'])
    .where('is_domain', '=', 1)
    .where(domain.id ? 'id' : 'name', '=', (domain.id ?? domain.name)!)
    .executeTakeFirst();
  if (!row) throw new Unauthorized(FAILED);
  if (!toBool(row.enabled)) throw new Unauthorized(`Domain is disabled: ${row.id}.`);
  return row.id;
}

async function byAppCredential(deps: IdentityDeps, c: NonNullable<AuthRequest['identity']['application_credential']>) {
  let q = deps.db.selectFrom('application_credentials').selectAll();
  if (c.id) q = q.where('id', '=', c.id);
  else {
    if (!c.name || !c.user) throw new BadRequest('Expecting to find id, or name and user, in application_credential.');
    const user = await findUser(deps, c.user);
    if (!user) throw new Unauthorized(FAILED);
    q = q.where('name', '=', c.name).where('user_id', '=', user.id);
  }
  const cred = await q.executeTakeFirst();
  if (!cred || !(await verifyPassword(c.secret, cred.secret_hash))) throw new Unauthorized(FAILED);
  if (cred.expires_at && Date.parse(cred.expires_at) <= Date.now())
    throw new Unauthorized('The application credential has expired.');
  return cred;
}

async function resolveScope(
  deps: IdentityDeps,
  userId: string,
  scope: AuthRequest['scope'],
  parent?: TokenData,
): Promise<{ userId: string; scope: TokenScope }> {
  if (scope === 'unscoped') return { userId, scope: { kind: 'unscoped' } };
  if (!scope) return { userId, scope: (await defaultScope(deps, userId)) ?? parentScope(parent) };
  const kinds = ['project', 'domain', 'system', 'OS-TRUST:trust'].filter((k) => k in scope);
  if (kinds.length > 1)
    throw new BadRequest('Only one of project, domain, system or trust can be specified in a scope.');
  if (scope.project) {
    const p = scope.project;
    let q = deps.db.selectFrom('projects').select(['id', 'enabled', 'domain_id']).where('is_domain', '=', 0);
    if (p.id) q = q.where('id', '=', p.id);
    else if (p.name)
      q = q.where('name', '=', p.name).where('domain_id', '=', await domainIdOf(deps, p.domain, 'project'));
    else throw new BadRequest('Expecting to find id or name in project.');
    const row = await q.executeTakeFirst();
    if (!row) throw new Unauthorized(`Could not find project: ${p.id ?? p.name}.`);
    if (!toBool(row.enabled)) throw new Unauthorized(`Project is disabled: ${row.id}.`);
    return { userId, scope: { kind: 'project', projectId: row.id } };
  }
  if (scope.domain)
    return { userId, scope: { kind: 'domain', domainId: await domainIdOf(deps, scope.domain, 'scope') } };
  if (scope.system) {
    if (scope.system.all !== true) throw new BadRequest('Only the system scope "all" exists.');
    return { userId, scope: { kind: 'system' } };
  }
  if (scope['OS-TRUST:trust']) return trustScope(deps, userId, scope['OS-TRUST:trust'].id);
  throw new BadRequest('Unknown scope.');
}

/** Without a scope, Keystone scopes to the user's default project when they may use it. */
async function defaultScope(deps: IdentityDeps, userId: string): Promise<TokenScope | undefined> {
  const user = await deps.db
    .selectFrom('users')
    .select('default_project_id')
    .where('id', '=', userId)
    .executeTakeFirst();
  const projectId = user?.default_project_id;
  if (!projectId) return undefined;
  const project = await deps.db.selectFrom('projects').select('enabled').where('id', '=', projectId).executeTakeFirst();
  if (!project || !toBool(project.enabled)) return undefined;
  const roles = await effectiveRoles(deps.db, userId, { project: projectId });
  return roles.length ? { kind: 'project', projectId } : undefined;
}

/** Token auth without a scope copies the parent's scope (Keystone re-issues the same scope). */
function parentScope(parent?: TokenData): TokenScope {
  return parent?.payload.scope ?? { kind: 'unscoped' };
}

async function trustScope(
  deps: IdentityDeps,
  userId: string,
  trustId: string,
): Promise<{ userId: string; scope: TokenScope }> {
  const trust = await deps.db
    .selectFrom('trusts')
    .selectAll()
    .where('id', '=', trustId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!trust) throw new NotFound(`Could not find trust: ${trustId}.`);
  if (trust.trustee_user_id !== userId) throw new Forbidden('User is not a trustee.');
  if (trust.expires_at && Date.parse(trust.expires_at) <= Date.now()) throw new Unauthorized('The trust has expired.');
  if (trust.remaining_uses !== null) {
    if (trust.remaining_uses <= 0) throw new Forbidden('The trust has no remaining uses.');
    await deps.db
      .updateTable('trusts')
      .set({ remaining_uses: trust.remaining_uses - 1 })
      .where('id', '=', trustId)
      .execute();
  }
  if (!trust.project_id) throw new Forbidden('A trust without a project cannot scope a token.');
  const tokenUser = toBool(trust.impersonation) ? trust.trustor_user_id : trust.trustee_user_id;
  return { userId: tokenUser, scope: { kind: 'trust', projectId: trust.project_id, trustId } };
}
