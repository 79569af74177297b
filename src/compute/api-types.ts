import { type TSchema, Type } from '@sinclair/typebox';
import { badRequest } from './errors.ts';

/** Nova's parameter_types.boolean: JSON booleans and the strings oslo's bool_from_string accepts. */
const TRUE_STRINGS = ['True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes'];
const FALSE_STRINGS = ['False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'];
export const NovaBoolean = Type.Union([
  Type.Boolean(),
  ...[...TRUE_STRINGS, ...FALSE_STRINGS].map((s) => Type.Literal(s)),
]);
export const toBool = (v: boolean | string): boolean => (typeof v === 'boolean' ? v : TRUE_STRINGS.includes(v));

/** A query-string boolean (`?is_public=no`), oslo's strict bool_from_string; undefined when unparsable. */
export function queryBool(v: string): boolean | undefined {
  const s = v.toLowerCase();
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(s)) return true;
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(s)) return false;
  return undefined;
}

/** Nova's integer-or-digit-string parameters (flavor ram, quota limits): `512` or `"512"`. */
export const IntOrString = (opts: { minimum: number; maximum?: number }): TSchema =>
  Type.Union([
    Type.Integer({ minimum: opts.minimum, maximum: opts.maximum ?? 0x7fffffff }),
    Type.String({ pattern: opts.minimum < 0 ? '^-?[0-9]+$' : '^[0-9]+$', maxLength: 12 }),
  ]);

/** The number an IntOrString carried, range-checked as Nova's schema does for the string form. */
export function intOf(field: string, v: number | string, minimum: number, maximum = 0x7fffffff): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < minimum)
    throw badRequest(
      `Invalid input for field/attribute ${field}. Value: ${v}. ${v} is less than the minimum of ${minimum}`,
    );
  if (n > maximum)
    throw badRequest(
      `Invalid input for field/attribute ${field}. Value: ${v}. ${v} is greater than the maximum of ${maximum}`,
    );
  return n;
}

/**
 * Nova's parameter_types.name: 1–255 printable characters without leading or trailing whitespace. Returns the
 * reason when `name` breaks the rule.
 */
export function invalidName(name: string, max = 255): string | undefined {
  if (name.length < 1) return 'is too short';
  if (name.length > max) return 'is too long';
  if (/^\s|\s$/u.test(name)) return 'has leading or trailing whitespace';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the rule excludes.
  if (/[\u0000-\u001f\u007f]/u.test(name)) return 'has non-printable characters';
  return undefined;
}

export function checkName(field: string, name: string, max = 255): void {
  const why = invalidName(name, max);
  if (why) throw badRequest(`Invalid input for field/attribute ${field}. Value: ${name}. '${name}' ${why}`);
}
