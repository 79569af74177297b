import { type TSchema, Type } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { badRequest } from './errors.ts';

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

/** Checks a body against its schema (chosen per microversion by the caller); Placement's 400 on failure. */
export function validateBody<T>(schema: TSchema, body: unknown): T {
  let check = compiled.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  if (body === undefined || body === null) throw badRequest('Malformed JSON: the request body is missing.');
  if (!check.Check(body)) {
    const first = check.Errors(body).First();
    const at = first?.path ? ` at '${first.path}'` : '';
    throw badRequest(`JSON does not validate: ${first?.message ?? 'invalid'}${at}`);
  }
  return body as T;
}

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$';
export const Uuid = () => Type.String({ pattern: UUID_PATTERN });
export const MAX_INT = 2147483647;
/** Resource class names: standard or CUSTOM_, upper case. */
export const ResourceClassName = () => Type.String({ pattern: '^[A-Z0-9_]+$', maxLength: 255 });
export const Generation = () => Type.Integer({ minimum: 0 });
