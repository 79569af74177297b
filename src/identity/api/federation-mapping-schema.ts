import { type TSchema, Type } from '@sinclair/typebox';

/**
 * The structure Keystone requires of a federation mapping (the rules that turn an identity provider's
 * assertion into a local user, groups and projects). Every object forbids unknown keys, so the alternatives
 * below never overlap and a union (anyOf) accepts exactly what Keystone's oneOf accepts.
 */
function strict(props: Record<string, TSchema>, required: readonly string[] = []): TSchema {
  const fields = Object.entries(props).map(([k, v]) => [k, required.includes(k) ? v : Type.Optional(v)]);
  return Type.Object(Object.fromEntries(fields), { additionalProperties: false });
}

const Domain = strict({ id: Type.String(), name: Type.String() });
// Keystone's role schema misplaces its additionalProperties flag, so extra role keys are accepted.
const Roles = Type.Array(Type.Object({ name: Type.String() }, { additionalProperties: true }));

const Local = strict({
  user: strict({
    id: Type.String(),
    name: Type.String(),
    email: Type.String(),
    domain: Domain,
    type: Type.Union([Type.Literal('ephemeral'), Type.Literal('local')]),
  }),
  projects: Type.Array(strict({ name: Type.String(), roles: Roles }, ['name', 'roles'])),
  group: Type.Union([
    strict({ id: Type.String() }, ['id']),
    strict({ name: Type.String(), domain: Domain }, ['name', 'domain']),
  ]),
  groups: Type.String(),
  group_ids: Type.String(),
  domain: Domain,
});

const matcher = (key: string) =>
  strict({ type: Type.String(), [key]: Type.Array(Type.Unknown()), regex: Type.Boolean() }, ['type', key]);

const Remote = Type.Union([
  strict({ type: Type.String() }, ['type']),
  matcher('any_one_of'),
  matcher('not_any_of'),
  matcher('blacklist'),
  matcher('whitelist'),
]);

export const MappingBody = Type.Object(
  {
    rules: Type.Array(
      strict({ local: Type.Array(Local), remote: Type.Array(Remote, { minItems: 1 }) }, ['local', 'remote']),
      {
        minItems: 1,
      },
    ),
  },
  // Other top-level keys (a newer client's schema_version) are ignored, not refused.
  { additionalProperties: true },
);
