import { ApiError } from '../core/errors.ts';

/**
 * Placement's error body (`code` from 1.23):
 * `{"errors": [{"status": 409, "title": "Conflict", "detail": "...", "code": "placement.concurrent_update",
 * "request_id": "req-..."}]}`. The onSend hook of index.ts, which knows the request, adds `request_id` and drops
 * `code` below 1.23.
 */
export class PlacementError extends ApiError {
  readonly code: string;
  constructor(status: number, message: string, code = 'placement.undefined_code') {
    super(status, TITLES[status] ?? 'Error', message);
    this.code = code;
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

export function placementErrorBody(err: ApiError): unknown {
  return {
    errors: [
      {
        status: err.status,
        title: TITLES[err.status] ?? err.type,
        detail: err.message,
        code: err instanceof PlacementError ? err.code : 'placement.undefined_code',
      },
    ],
  };
}

export const CODES = {
  concurrentUpdate: 'placement.concurrent_update',
  duplicateName: 'placement.duplicate_name',
  inventoryInUse: 'placement.inventory.inuse',
  providerInUse: 'placement.resource_provider.inuse',
  cannotDeleteParent: 'placement.resource_provider.cannot_delete_parent',
  providerNotFound: 'placement.resource_provider.not_found',
  queryBadValue: 'placement.query.bad_value',
  queryMissingValue: 'placement.query.missing_value',
  duplicateQueryKey: 'placement.query.duplicate_key',
} as const;

export const badRequest = (detail: string, code?: string) => new PlacementError(400, detail, code);
export const notFound = (detail: string, code?: string) => new PlacementError(404, detail, code);
export const conflict = (detail: string, code?: string) => new PlacementError(409, detail, code);

/** The answer for a route or method that the requested microversion does not have yet. */
export const noSuchRoute = () => notFound('The resource could not be found.');

export const providerNotFound = (uuid: string) =>
  notFound(`No resource provider with uuid ${uuid} found`, CODES.providerNotFound);

/** 409 placement.concurrent_update: the generation the client sent is not the current one. */
export const concurrentUpdate = (detail = 'resource provider generation conflict') =>
  conflict(detail, CODES.concurrentUpdate);
