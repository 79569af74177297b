import type { Config } from '../core/config.ts';
import { BadRequest } from '../core/errors.ts';
import { verifyPassword } from './passwords.ts';
import { toBool } from './rows.ts';
import type { UserRow } from './tables.ts';

/**
 * Keystone's [security_compliance] rules for local users' passwords: lockout after failed authentications,
 * password history, minimum age, expiry, strength and change-upon-first-use. Every rule is off by default.
 * Pure except checkPasswordHistory, which must verify hashes; the callers read and write the rows.
 */
export type SecurityCompliance = Config['identity']['securityCompliance'];

/** A user's parsed `options` (user-options.ts); these rules read only the boolean ones. */
type Options = Record<string, unknown>;
const opted = (options: Options, name: string): boolean => options[name] === true;

const DAY_MS = 86_400_000;

export const accountLocked = (userId: string) => `The account is locked for user: ${userId}.`;
export const passwordExpired = (userId: string) =>
  `The password is expired and needs to be changed for user: ${userId}.`;
export const SELF_SERVICE_DISABLED =
  'You cannot change your password at this time due to password policy disallowing password changes. ' +
  'Please contact your administrator to reset your password.';

/**
 * Stored like Keystone's microsecond timestamps but with the zone kept, so `Date.parse` reads it as UTC on
 * any server: `2030-01-02T03:04:05.000000Z`.
 */
export const passwordTime = (d: Date): string => `${d.toISOString().slice(0, 23)}000Z`;

/** Whether failed password authentications are worth counting at all. */
export const countsFailedAuth = (sc: SecurityCompliance): boolean => sc.lockoutFailureAttempts > 0;

/**
 * Keystone's `_is_account_locked`: `lockoutFailureAttempts` failures lock the user until `lockoutDuration`
 * seconds after the last one ('lapsed' then: the caller clears the count and carries on), or for good when the
 * duration is 0. `ignore_lockout_failure_attempts` exempts a user.
 */
export function lockoutState(
  sc: SecurityCompliance,
  user: Pick<UserRow, 'failed_auth_count' | 'failed_auth_at'>,
  options: Options,
  now: number,
): 'open' | 'locked' | 'lapsed' {
  if (opted(options, 'ignore_lockout_failure_attempts')) return 'open';
  if (!countsFailedAuth(sc) || (user.failed_auth_count ?? 0) < sc.lockoutFailureAttempts) return 'open';
  if (!sc.lockoutDuration) return 'locked';
  const last = user.failed_auth_at ? Date.parse(user.failed_auth_at) : Number.NaN;
  return last + sc.lockoutDuration * 1000 > now ? 'locked' : 'lapsed';
}

/** Keystone's `password_is_expired`: `ignore_password_expiry` exempts the user at authentication time too. */
export function passwordIsExpired(user: Pick<UserRow, 'password_expires_at'>, options: Options, now: number): boolean {
  if (!user.password_expires_at || opted(options, 'ignore_password_expiry')) return false;
  return Date.parse(user.password_expires_at) <= now;
}

export type PasswordColumns = Pick<
  UserRow,
  'password_hash' | 'password_created_at' | 'password_expires_at' | 'password_self_service'
>;

/**
 * The columns of a newly set password. `options` are the user's options after the request that sets it (Keystone
 * applies options before the password). A password set by an admin (or at creation) expires at once under
 * `changePasswordUponFirstUse` unless the user has `ignore_change_password_upon_first_use`; otherwise it expires
 * `passwordExpiresDays` after now (whole seconds, as Keystone) unless the user has `ignore_password_expiry`.
 */
export function passwordColumns(
  sc: SecurityCompliance,
  hash: string | null,
  options: Options,
  setBy: 'owner' | 'admin',
  now: Date,
): PasswordColumns {
  const columns = { password_hash: hash, password_self_service: setBy === 'owner' ? 1 : 0 };
  if (hash === null) return { ...columns, password_created_at: null, password_expires_at: null };
  let expires: string | null = null;
  if (setBy === 'admin' && sc.changePasswordUponFirstUse && !opted(options, 'ignore_change_password_upon_first_use'))
    expires = passwordTime(now);
  else if (sc.passwordExpiresDays > 0 && !opted(options, 'ignore_password_expiry'))
    expires = passwordTime(new Date(Math.floor(now.getTime() / 1000) * 1000 + sc.passwordExpiresDays * DAY_MS));
  return { ...columns, password_created_at: now.toISOString(), password_expires_at: expires };
}

/**
 * Keystone's `validate_password`, applied to every password a request sets (create, admin update and
 * self-service change). The pattern only has to match at the start, as Python's `re.match`.
 */
export function checkPasswordStrength(sc: SecurityCompliance, password: unknown): void {
  // Environment overrides coerce digits to numbers; the pattern is text whatever it looks like.
  const pattern = String(sc.passwordRegex ?? '');
  if (!pattern) return;
  if (typeof password !== 'string') throw new BadRequest('Password validation error: Password must be a string type.');
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'uy');
  } catch {
    throw new BadRequest('Password validation error: Unable to validate password due to invalid configuration.');
  }
  if (!re.test(password))
    throw new BadRequest(`The password does not match the requirements: ${sc.passwordRegexDescription}.`);
}

/**
 * Keystone's `_validate_minimum_password_age`: only a password its owner chose is held to the minimum age, so
 * an admin reset can always be changed at once.
 */
export function checkMinimumPasswordAge(
  sc: SecurityCompliance,
  user: Pick<UserRow, 'password_created_at' | 'password_self_service'>,
  now: number,
): void {
  if (!toBool(user.password_self_service) || !user.password_created_at) return;
  const allowedFrom = Date.parse(user.password_created_at) + sc.minimumPasswordAge * DAY_MS;
  if (now >= allowedFrom) return;
  const daysLeft = Math.floor((allowedFrom - now) / DAY_MS);
  throw new BadRequest(
    'You cannot change your password at this time due to the minimum password age. Once you change your ' +
      `password, it must be used for ${sc.minimumPasswordAge} day(s) before it can be changed. Please try again ` +
      `in ${daysLeft} day(s) or contact your administrator to reset your password.`,
  );
}

/** Previous passwords worth keeping besides the current one: as many as the history check may read. */
export const passwordHistoryDepth = (sc: SecurityCompliance): number => Math.max(sc.uniqueLastPasswordCount, 0);

/**
 * Keystone's `_validate_password_history`: the new password may not be any of the last
 * `uniqueLastPasswordCount` passwords, the current one included. `hashes` are newest first, current first.
 */
export async function checkPasswordHistory(
  sc: SecurityCompliance,
  password: string,
  hashes: readonly (string | null)[],
): Promise<void> {
  const count = sc.uniqueLastPasswordCount;
  if (count <= 0) return;
  for (const hash of hashes.slice(0, count)) {
    if (hash && (await verifyPassword(password, hash)))
      throw new BadRequest(
        'The new password cannot be identical to a previous password. The total number which includes the new ' +
          `password must be unique is ${count}.`,
      );
  }
}
