import type { ApiError } from '../core/errors.ts';

/** Keystone's error body: {"error": {"code": 404, "title": "Not Found", "message": "..."}}. */
export function keystoneErrorBody(err: ApiError): unknown {
  return { error: { code: err.status, title: err.type, message: err.message } };
}
