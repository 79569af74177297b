import { Forbidden, Unauthorized } from '../core/errors.ts';
import type { IdentityDeps } from './deps.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { parseObject, toBool } from './rows.ts';
import { findUser, updateUser } from './store/users.ts';

/**
 * POST /v3/users/{id}/password: the original password is the proof (no token needed, so a user whose password has
 * expired can still change it). Every token the user holds is revoked, as Keystone does.
 */
export async function changeOwnPassword(
  deps: IdentityDeps,
  userId: string,
  original: string,
  next: string,
): Promise<void> {
  const user = await findUser(deps.db, userId);
  // Hash even for an unknown user so timing does not tell which ids exist.
  const ok = await verifyPassword(original, user?.password_hash ?? (await deps.dummyHash()));
  if (!user || !ok) throw new Unauthorized('Error when changing user password: Invalid user / password');
  if (!toBool(user.enabled)) throw new Unauthorized(`The account is disabled for user: ${userId}.`);
  if (parseObject(user.options).lock_password === true)
    throw new Forbidden(
      'You cannot change your password at this time due to password policy disallowing password changes. ' +
        'Please contact your administrator to reset your password.',
    );
  const hash = await hashPassword(next, deps.config.identity.scrypt);
  await updateUser(deps.db, userId, () => ({
    password_hash: hash,
    password_created_at: new Date().toISOString(),
    password_expires_at: null,
  }));
  await deps.revocations.revoke({ user_id: userId });
}
