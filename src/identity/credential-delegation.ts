/**
 * Keystone's limits on managing credentials with a delegated token (a trust or an application credential):
 * the delegation was granted for one project, so it reaches only credentials of exactly that project. A
 * credential without a project (a TOTP seed) is a user-level secret and out of reach of every delegation,
 * so a stolen delegated token can neither read nor replace a user's second factor.
 */
import type { AuthContext } from '../core/auth/context.ts';
import { Forbidden } from '../core/errors.ts';
import type { IdentityDb } from './tables.ts';

const forbidden = (action: string) =>
  new Forbidden(`You are not authorized to perform the requested action: ${action}.`);

export const isDelegated = (auth: AuthContext): boolean => Boolean(auth.trustId || auth.appCredId);

/** Throws unless a delegated caller's project scope is exactly the credential's project. */
export function checkDelegatedProject(
  auth: AuthContext,
  credentialProjectId: string | null,
  what = 'Credential',
): void {
  if (!isDelegated(auth)) return;
  if (credentialProjectId === null || credentialProjectId !== (auth.projectId ?? null))
    throw forbidden(`${what} project does not match the project scope of the delegated token`);
}

/** A restricted application credential may not mint EC2 keys: those would outlive and escape its restrictions. */
export async function checkUnrestrictedAppCred(db: IdentityDb, auth: AuthContext): Promise<void> {
  if (!auth.appCredId) return;
  const row = await db
    .selectFrom('application_credentials')
    .select('unrestricted')
    .where('id', '=', auth.appCredId)
    .executeTakeFirst();
  if (row?.unrestricted !== 1)
    throw forbidden("Using method 'application_credential' is not allowed for managing additional credentials");
}
