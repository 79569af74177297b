import { randomBytes } from 'node:crypto';
import type { AuthContext } from '../core/auth/context.ts';
import { BadRequest, Forbidden } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { IdentityDeps } from './deps.ts';
import { effectiveRoles } from './effective-roles.ts';
import { parseExpiresAt } from './expiry-dates.ts';
import { hashPassword } from './passwords.ts';
import { type RoleRef, resolveRoleRefs, withImpliedIds } from './role-refs.ts';
import { parseList, toBool } from './rows.ts';
import { type AccessRuleInput, createAppCred, findAppCred } from './store/application-credentials.ts';
import type { AccessRuleRow, AppCredRow } from './tables.ts';

export interface AppCredRequest {
  name: string;
  description?: string | null;
  secret?: string | null;
  expires_at?: string | null;
  roles?: RoleRef[];
  unrestricted?: boolean | null;
  access_rules?: AccessRuleInput[];
}

const invalid = (detail: string) => new BadRequest(`Invalid application credential: ${detail}`);

/**
 * Trust-scoped tokens may not manage application credentials at all: a credential made from one would outlive
 * the trust and lose the audit chain that names the trustee (Keystone's _block_delegated_token_app_creds).
 */
export function refuseTrustToken(auth: AuthContext): void {
  if (auth.trustId) throw new Forbidden('Cannot manage application credentials with a token issued via delegation.');
}

/** A restricted application credential may not create or delete application credentials (Keystone's rule). */
export async function refuseRestrictedAppCred(deps: IdentityDeps, auth: AuthContext): Promise<void> {
  if (!auth.appCredId) return;
  const cred = await findAppCred(deps.db, auth.appCredId);
  if (!cred || !toBool(cred.unrestricted))
    throw new Forbidden(
      "You are not authorized to perform the requested action: Using method 'application_credential' is not " +
        'allowed for managing additional application credentials.',
    );
}

/** The secret Keystone generates when the client sends none: 64 random bytes, URL-safe base64 without padding. */
export const generateSecret = (): string => randomBytes(64).toString('base64url');

/**
 * Creates an application credential for the caller on the caller's project. Its roles default to the
 * token's roles; roles named explicitly bring the roles they imply, and every one must be on the token
 * (an application credential user must not widen what they hold), hence held by the user on the project.
 */
export async function createApplicationCredential(
  deps: IdentityDeps,
  auth: AuthContext,
  userId: string,
  body: AppCredRequest,
): Promise<{ cred: AppCredRow; rules: AccessRuleRow[]; secret: string }> {
  refuseTrustToken(auth);
  await refuseRestrictedAppCred(deps, auth);
  if (auth.userId !== userId)
    throw new Forbidden(
      'You are not authorized to perform the requested action: Cannot create an application credential for another user.',
    );
  const projectId = auth.projectId;
  if (!projectId) throw invalid('a project-scoped token is required to create an application credential');

  const tokenRoles = await currentTokenRoles(deps, auth, projectId);
  let roleIds: string[];
  if (body.roles?.length) {
    roleIds = await withImpliedIds(deps.db, await resolveRoleRefs(deps.db, body.roles));
    if (roleIds.some((id) => !tokenRoles.includes(id)))
      throw invalid('Cannot create an application credential with unassigned role');
  } else roleIds = tokenRoles;

  const expiresAt = body.expires_at ? parseExpiresAt(body.expires_at) : null;
  const secret = body.secret || generateSecret();
  const { cred, rules } = await createAppCred(
    deps.db,
    {
      id: newId(),
      name: body.name,
      secret_hash: await hashPassword(secret, deps.config.identity.scrypt),
      description: body.description ?? null,
      user_id: userId,
      project_id: projectId,
      system: null,
      expires_at: expiresAt,
      unrestricted: body.unrestricted ? 1 : 0,
      roles: JSON.stringify(roleIds),
    },
    body.access_rules ?? [],
  );
  return { cred, rules, secret };
}

/**
 * The roles the caller's token carries right now, worked out afresh rather than read from the (cached) auth
 * context: like Keystone's Fernet tokens, a token gains a role granted after it was issued (Tempest grants a
 * role and at once creates a credential with it). An application credential token carries only its own roles.
 */
async function currentTokenRoles(deps: IdentityDeps, auth: AuthContext, projectId: string): Promise<string[]> {
  const held = (await effectiveRoles(deps.db, auth.userId, { project: projectId })).map((r) => r.id);
  if (!auth.appCredId) return held;
  const granted = parseList((await findAppCred(deps.db, auth.appCredId))?.roles);
  return held.filter((id) => granted.includes(id));
}
