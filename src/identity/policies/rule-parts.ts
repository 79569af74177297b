/**
 * Check-string fragments and small builders shared by the identity rule tables in this folder.
 */

/** Anyone holding `admin` on any scope. With `enforce_scope = false` Keystone treats the admin role as global. */
export const ADMIN = 'rule:admin_required';

/** A reader on a system-scoped token. The `system_scope:all` half is what keeps project readers out. */
export const SYSTEM_READER = 'role:reader and system_scope:all';

export const ADMIN_OR_SYSTEM_READER = `${ADMIN} or (${SYSTEM_READER})`;

// What Keystone enforces while `enforce_new_defaults = false` (oslo.policy's current-or-deprecated rule).
export { orDeprecated } from '../../core/policy/deprecated-rule.ts';

/** `ops('GET HEAD /v3/users/{user_id}', 'PATCH /v3/users/{user_id}')`: methods, then the path, per argument. */
export function ops(...specs: string[]): { method: string; path: string }[] {
  return specs.flatMap((spec) => {
    const words = spec.split(' ');
    const path = words[words.length - 1];
    return words.slice(0, -1).map((method) => ({ method, path }));
  });
}
