import { type Static, Type } from '@sinclair/typebox';

/** Schema pieces shared by the domains and projects APIs (a domain is a project acting as one). */

/** Keystone: 1 to 64 characters with at least one that is not whitespace. */
export const Name = Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' });
export const IdString = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' });
export const Description = Type.Union([Type.String(), Type.Null()]);
/** The API-WG tag rules Keystone follows: no '/' or ',' (they are separators in URLs and filters). */
export const Tag = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^,/]*$' });
export const Tags = Type.Array(Tag, { maxItems: 80, uniqueItems: true });
/** Keystone's one project resource option; null removes it. */
export const Options = Type.Object(
  { immutable: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])) },
  { additionalProperties: false },
);

/** The create and update fields a domain shares with a project (a project adds its hierarchy fields). */
export const SharedFields = {
  description: Type.Optional(Description),
  enabled: Type.Optional(Type.Boolean()),
  tags: Type.Optional(Tags),
  options: Type.Optional(Options),
};
const Shared = Type.Object(SharedFields);

/** What Keystone stores for the shared fields a create leaves out: an empty description, enabled, no tags or options. */
export const createDefaults = (body: Static<typeof Shared>) => ({
  description: body.description === undefined ? '' : body.description,
  enabled: body.enabled ?? true,
  tags: body.tags ?? [],
  options: body.options ?? {},
});

/**
 * Keystone renames ':' and '-' to '_' in the top-level keys of a created or updated entity (`_normalize_dict`), so
 * free-form attributes come back under those names.
 */
export function normalizeKeys(extra: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(extra).map(([k, v]) => [k.replace(/[:-]/g, '_'), v]));
}

/** Boolean list filters, read as oslo's bool_from_string(default=True): only the false spellings are false. */
export const filterBool = (v: string | undefined): boolean | undefined =>
  v === undefined ? undefined : !['0', 'f', 'false', 'n', 'no', 'off'].includes(v.toLowerCase());
