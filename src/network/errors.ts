import { ApiError } from '../core/errors.ts';

/**
 * Neutron's error body: `{"NeutronError": {"type": "NetworkNotFound", "message": "...", "detail": ""}}`.
 * `type` is the name of the failure (clients such as Tempest and the SDK match on it), so Network code throws
 * the helpers below rather than the generic errors of src/core, whose types are HTTP reason phrases.
 */
export function neutronErrorBody(err: ApiError): unknown {
  return { NeutronError: { type: typeOf(err), message: err.message, detail: '' } };
}

// Errors raised outside Network code (the auth hook, body parsing) carry reason phrases; Neutron names them after
// webob's exception classes.
const HTTP_TYPES: Record<number, string> = {
  400: 'HTTPBadRequest',
  401: 'HTTPUnauthorized',
  403: 'HTTPForbidden',
  404: 'HTTPNotFound',
  405: 'HTTPMethodNotAllowed',
  409: 'HTTPConflict',
  412: 'HTTPPreconditionFailed',
  413: 'HTTPRequestEntityTooLarge',
  415: 'HTTPUnsupportedMediaType',
};

function typeOf(err: ApiError): string {
  return /^[A-Z][A-Za-z0-9]+$/.test(err.type) ? err.type : (HTTP_TYPES[err.status] ?? err.type.replaceAll(' ', ''));
}

/** 400 for a value that fails an attribute's validation, worded as Neutron words it. */
export function invalidInput(attr: string, reason: string): ApiError {
  return new ApiError(400, 'HTTPBadRequest', `Invalid input for ${attr}. Reason: ${reason}.`);
}

export function badRequest(message: string, type = 'HTTPBadRequest'): ApiError {
  return new ApiError(400, type, message);
}

/** `NetworkNotFound: Network <id> could not be found.` (and the same for every resource). */
export function notFound(resource: string, id: string): ApiError {
  const name = resource
    .split(/[_ ]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  const words = resource.replaceAll('_', ' ');
  return new ApiError(
    404,
    `${name}NotFound`,
    `${words.charAt(0).toUpperCase()}${words.slice(1)} ${id} could not be found.`,
  );
}

export function conflict(type: string, message: string): ApiError {
  return new ApiError(409, type, message);
}

/** A caller may see the resource but the policy forbids this action on it. */
export function policyForbids(rule: string): ApiError {
  return new ApiError(403, 'PolicyNotAuthorized', `(rule:${rule}) is disallowed by policy`);
}
