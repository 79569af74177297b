import { type Static, type TSchema, Type } from '@sinclair/typebox';

/** Every option may be null: null removes it, as Keystone resets an option to its default. */
const nullable = <T extends TSchema>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

/**
 * Keystone's registered user options. Unknown names are a 400 (Keystone's schema has additionalProperties false);
 * MFA rules are lists of non-empty lists of distinct method names, no list repeated.
 */
export const UserOptions = Type.Object(
  {
    ignore_change_password_upon_first_use: nullable(Type.Boolean()),
    ignore_password_expiry: nullable(Type.Boolean()),
    ignore_lockout_failure_attempts: nullable(Type.Boolean()),
    lock_password: nullable(Type.Boolean()),
    ignore_user_inactivity: nullable(Type.Boolean()),
    multi_factor_auth_rules: nullable(
      Type.Array(Type.Array(Type.String(), { minItems: 1, uniqueItems: true }), { uniqueItems: true }),
    ),
    multi_factor_auth_enabled: nullable(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UserOptions = Static<typeof UserOptions>;

/** Options given in a request replace stored ones name by name; the others stay. */
export function mergeOptions(stored: Record<string, unknown>, given: UserOptions | undefined): Record<string, unknown> {
  const out = { ...stored };
  for (const [name, value] of Object.entries(given ?? {})) {
    if (value === null || value === undefined) delete out[name];
    else out[name] = value;
  }
  return out;
}
