import { NotFound, Unauthorized } from '../core/errors.ts';
import type { IdentityDeps } from './deps.ts';
import { effectiveRoles, expandImplied } from './effective-roles.ts';
import { InvalidToken } from './fernet.ts';
import { parseList, toBool } from './rows.ts';
import type { AppCredRow, ProjectRow, RoleRow, TrustRow, UserRow } from './tables.ts';
import { newAuditId, type TokenPayload, type TokenScope } from './token-payload.ts';
import { issueTokenString, readTokenString } from './tokens-codec.ts';

/** Everything a token stands for, re-read from the database each time it is validated. */
export interface TokenData {
  token: string;
  payload: TokenPayload;
  issuedAt: number;
  user: UserRow;
  userDomain: ProjectRow;
  project?: ProjectRow;
  projectDomain?: ProjectRow;
  domain?: ProjectRow;
  system?: boolean;
  roles: RoleRow[];
  trust?: TrustRow;
  appCred?: AppCredRow;
}

export interface IssueRequest {
  userId: string;
  methods: string[];
  scope: TokenScope;
  /** A rescoped token keeps its parent's expiry and audit chain. */
  expiresAt?: number;
  parentAuditIds?: string[];
}

export async function issueToken(deps: IdentityDeps, req: IssueRequest): Promise<TokenData> {
  const now = Date.now();
  const ceiling = now + deps.config.identity.tokenExpiration * 1000;
  let expiresAt = Math.min(req.expiresAt ?? ceiling, ceiling);
  const chain = req.parentAuditIds?.length ? req.parentAuditIds[req.parentAuditIds.length - 1] : undefined;
  const payload: TokenPayload = {
    userId: req.userId,
    methods: req.methods,
    scope: req.scope,
    expiresAt,
    auditIds: chain ? [newAuditId(), chain] : [newAuditId()],
  };
  // A token never outlives the trust or application credential it was made from.
  const limits = await scopeExpiry(deps, req.scope);
  if (limits !== undefined) payload.expiresAt = expiresAt = Math.min(expiresAt, limits);
  const token = issueTokenString(deps.keys(), payload, now);
  const data = await loadToken(deps, token, payload, Math.floor(now / 1000) * 1000, 'issue');
  return data;
}

/**
 * Reads a token and everything it refers to. `mode` says who asks: an X-Auth-Token failure is a 401,
 * a bad X-Subject-Token a 404, a refused scope at issue a 401 naming the problem, as Keystone answers.
 */
export async function validateToken(
  deps: IdentityDeps,
  token: string,
  mode: 'auth' | 'subject',
  opts: { allowExpired?: boolean } = {},
): Promise<TokenData> {
  let read: { payload: TokenPayload; issuedAt: number };
  try {
    read = readTokenString(deps.keys(), token);
  } catch (err) {
    if (err instanceof InvalidToken) throw invalid(mode, 'Failed to validate token');
    throw err;
  }
  const window = opts.allowExpired ? deps.config.identity.allowExpiredWindow * 1000 : 0;
  if (read.payload.expiresAt + window <= Date.now()) throw invalid(mode, 'The token is expired');
  if (opts.allowExpired) return loadToken(deps, token, read.payload, read.issuedAt, mode);
  const cached = deps.validated.get(token);
  if (cached) return cached;
  const data = await loadToken(deps, token, read.payload, read.issuedAt, mode);
  deps.validated.set(token, data, read.payload.expiresAt);
  return data;
}

const invalid = (mode: 'auth' | 'subject' | 'issue', why: string) =>
  mode === 'subject'
    ? new NotFound(`Could not find token: ${why}.`)
    : new Unauthorized(`The request you have made requires authentication. (${why})`);

async function loadToken(
  deps: IdentityDeps,
  token: string,
  payload: TokenPayload,
  issuedAt: number,
  mode: 'auth' | 'subject' | 'issue',
): Promise<TokenData> {
  const { db } = deps;
  const user = await db.selectFrom('users').selectAll().where('id', '=', payload.userId).executeTakeFirst();
  if (!user || !toBool(user.enabled)) throw invalid(mode, 'user is disabled or does not exist');
  const userDomain = await getEnabledProject(deps, user.domain_id);
  if (!userDomain) throw invalid(mode, "user's domain is disabled or does not exist");

  const data: TokenData = { token, payload, issuedAt, user, userDomain, roles: [] };
  const scope = payload.scope;
  if (scope.kind === 'project' || scope.kind === 'trust' || scope.kind === 'application_credential') {
    data.project = await getEnabledProject(deps, scope.projectId);
    data.projectDomain = data.project && (await getEnabledProject(deps, data.project.domain_id));
    if (!data.project || !data.projectDomain || data.project.is_domain)
      throw invalid(mode, 'project is disabled or does not exist');
  }
  if (scope.kind === 'domain') {
    data.domain = await getEnabledProject(deps, scope.domainId);
    if (!data.domain) throw invalid(mode, 'domain is disabled or does not exist');
  }
  data.system = scope.kind === 'system';

  if (scope.kind === 'trust') await loadTrust(deps, data, scope.trustId, mode);
  else if (scope.kind === 'application_credential') await loadAppCred(deps, data, scope.appCredId, mode);
  else if (scope.kind !== 'unscoped') {
    const target =
      scope.kind === 'project'
        ? { project: scope.projectId }
        : scope.kind === 'domain'
          ? { domain: scope.domainId }
          : { system: true as const };
    data.roles = await effectiveRoles(db, user.id, target);
    if (data.roles.length === 0) throw invalid(mode, `user has no role on the ${scope.kind}`);
  }
  if (await deps.revocations.isRevoked(data)) throw invalid(mode, 'token has been revoked');
  return data;
}

async function getEnabledProject(deps: IdentityDeps, id: string): Promise<ProjectRow | undefined> {
  const row = await deps.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toBool(row.enabled) ? row : undefined;
}

async function loadTrust(deps: IdentityDeps, data: TokenData, trustId: string, mode: 'auth' | 'subject' | 'issue') {
  const trust = await deps.db.selectFrom('trusts').selectAll().where('id', '=', trustId).executeTakeFirst();
  if (!trust || trust.deleted_at || (trust.expires_at && Date.parse(trust.expires_at) <= Date.now()))
    throw invalid(mode, 'trust is expired or deleted');
  // The trustor must still hold every delegated role, or the trust gives nothing.
  const trustorRoles = trust.project_id
    ? await effectiveRoles(deps.db, trust.trustor_user_id, { project: trust.project_id })
    : [];
  const held = new Set(trustorRoles.map((r) => r.id));
  const delegated = parseList(trust.roles);
  if (trust.project_id && !delegated.every((id) => held.has(id)))
    throw invalid(mode, 'trustor no longer holds the delegated roles');
  data.trust = trust;
  // Roles implied by a delegated role travel with it.
  data.roles = (await expandImplied(deps.db, delegated)).filter((r) => held.has(r.id));
}

async function loadAppCred(deps: IdentityDeps, data: TokenData, appCredId: string, mode: 'auth' | 'subject' | 'issue') {
  const cred = await deps.db
    .selectFrom('application_credentials')
    .selectAll()
    .where('id', '=', appCredId)
    .executeTakeFirst();
  if (!cred || (cred.expires_at && Date.parse(cred.expires_at) <= Date.now()))
    throw invalid(mode, 'application credential is expired or deleted');
  const current = cred.project_id ? await effectiveRoles(deps.db, cred.user_id, { project: cred.project_id }) : [];
  const granted = new Set(parseList(cred.roles));
  data.appCred = cred;
  data.roles = current.filter((r) => granted.has(r.id));
  if (data.roles.length === 0) throw invalid(mode, 'application credential roles are no longer held');
}

async function scopeExpiry(deps: IdentityDeps, scope: TokenScope): Promise<number | undefined> {
  if (scope.kind === 'trust') {
    const t = await deps.db
      .selectFrom('trusts')
      .select('expires_at')
      .where('id', '=', scope.trustId)
      .executeTakeFirst();
    return t?.expires_at ? Date.parse(t.expires_at) : undefined;
  }
  if (scope.kind === 'application_credential') {
    const c = await deps.db
      .selectFrom('application_credentials')
      .select('expires_at')
      .where('id', '=', scope.appCredId)
      .executeTakeFirst();
    return c?.expires_at ? Date.parse(c.expires_at) : undefined;
  }
  return undefined;
}
