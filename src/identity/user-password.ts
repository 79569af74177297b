import { BadRequest, Unauthorized } from '../core/errors.ts';
import type { IdentityDeps } from './deps.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { parseObject, toBool } from './rows.ts';
import {
  accountLocked,
  checkMinimumPasswordAge,
  checkPasswordHistory,
  checkPasswordStrength,
  countsFailedAuth,
  lockoutState,
  passwordColumns,
  passwordExpired,
  passwordHistoryDepth,
  passwordIsExpired,
  SELF_SERVICE_DISABLED,
} from './security-compliance.ts';
import { previousPasswords } from './store/password-history.ts';
import { findUser, recordFailedAuth, resetFailedAuth, updateUser } from './store/users.ts';
import type { UserRow } from './tables.ts';

export interface ProveOptions {
  /** The 401 message for an unknown user or a wrong password. */
  failed: string;
  /** The 401 message for a disabled user. */
  disabled: string;
  /** A password change proves the user with an expired password: that is how it gets replaced. */
  allowExpired: boolean;
}

/**
 * Keystone's SQL `authenticate`, in its order: a locked-out user is refused even with the right password; a
 * wrong password counts towards lockout; then the user must be enabled and the password unexpired. Success
 * clears the failure count.
 */
export async function proveUserPassword(
  deps: IdentityDeps,
  user: UserRow | undefined,
  password: string,
  o: ProveOptions,
): Promise<UserRow> {
  const sc = deps.config.identity.securityCompliance;
  const now = Date.now();
  const options = parseObject(user?.options);
  if (user) {
    const lockout = lockoutState(sc, user, options, now);
    if (lockout === 'locked') throw new Unauthorized(accountLocked(user.id));
    if (lockout === 'lapsed') {
      await resetFailedAuth(deps.db, user.id);
      user = { ...user, failed_auth_count: null, failed_auth_at: null };
    }
  }
  // Hash even for an unknown user so timing does not tell which users exist.
  const ok = await verifyPassword(password, user?.password_hash ?? (await deps.dummyHash()));
  if (!user) throw new Unauthorized(o.failed);
  if (!ok) {
    if (countsFailedAuth(sc)) await recordFailedAuth(deps.db, user.id, new Date());
    throw new Unauthorized(o.failed);
  }
  if (!toBool(user.enabled)) throw new Unauthorized(o.disabled);
  if (!o.allowExpired && passwordIsExpired(user, options, now)) throw new Unauthorized(passwordExpired(user.id));
  if (user.failed_auth_count) await resetFailedAuth(deps.db, user.id);
  return user;
}

/**
 * POST /v3/users/{id}/password: the original password is the proof (no token needed, so a user whose password has
 * expired can still change it). The new one must pass the strength, minimum-age and history rules; every token the
 * user holds is revoked, as Keystone does.
 */
export async function changeOwnPassword(
  deps: IdentityDeps,
  userId: string,
  original: string,
  next: string,
): Promise<void> {
  const sc = deps.config.identity.securityCompliance;
  const user = await proveUserPassword(deps, await findUser(deps.db, userId), original, {
    failed: 'Error when changing user password: Invalid user / password',
    disabled: `The account is disabled for user: ${userId}.`,
    allowExpired: true,
  });
  checkPasswordStrength(sc, next);
  // Keystone answers 400 here: every refusal of a new password is a PasswordValidationError.
  if (parseObject(user.options).lock_password === true) throw new BadRequest(SELF_SERVICE_DISABLED);
  checkMinimumPasswordAge(sc, user, Date.now());
  const earlier = await previousPasswords(deps.db, userId, sc.uniqueLastPasswordCount - 1);
  await checkPasswordHistory(sc, next, [user.password_hash, ...earlier]);
  const hash = await hashPassword(next, deps.config.identity.scrypt);
  await updateUser(
    deps.db,
    userId,
    (current) => passwordColumns(sc, hash, parseObject(current.options), 'owner', new Date()),
    { passwordHistory: passwordHistoryDepth(sc) },
  );
  await deps.revocations.revoke({ user_id: userId });
}
