import { ApiError } from '../core/errors.ts';

/**
 * Nova's error body keys the fault by kind: `{"itemNotFound": {"code": 404, "message": "..."}}`. The names are
 * the ones Nova's WSGI fault wrapper uses; anything else is `computeFault`.
 */
const NOVA_KEYS: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

export function novaErrorBody(err: ApiError): unknown {
  return { [NOVA_KEYS[err.status] ?? 'computeFault']: { code: err.status, message: err.message } };
}

export const badRequest = (message: string): ApiError => new ApiError(400, 'badRequest', message);
export const forbidden = (message: string): ApiError => new ApiError(403, 'forbidden', message);
export const notFound = (message: string): ApiError => new ApiError(404, 'itemNotFound', message);
export const conflict = (message: string): ApiError => new ApiError(409, 'conflictingRequest', message);
export const notAcceptable = (message: string): ApiError => new ApiError(406, 'computeFault', message);
export const notImplemented = (message: string): ApiError => new ApiError(501, 'notImplemented', message);

/** `Instance <uuid> could not be found.`: also what another project's server answers (never 403). */
export const instanceNotFound = (uuid: string): ApiError => notFound(`Instance ${uuid} could not be found.`);

/**
 * Nova answers an exceeded quota with 403 `forbidden` (413 overLimit is rate limiting), worded as
 * `Quota exceeded for instances: Requested 1, but already used 10 of 10 instances`.
 */
export function quotaExceeded(resource: string, requested: number, used: number, limit: number): ApiError {
  return forbidden(
    `Quota exceeded for ${resource}: Requested ${requested}, but already used ${used} of ${limit} ${resource}`,
  );
}
