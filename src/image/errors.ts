import type { ApiError } from '../core/errors.ts';

/**
 * Glance's error body (webob's JSON error page): `code` is the status line, `title` its reason phrase.
 * python-glanceclient and Tempest read the status code; the CLI prints `message`.
 */
export function glanceErrorBody(err: ApiError): unknown {
  const title = TITLES[err.status] ?? err.type;
  return { code: `${err.status} ${title}`, title, message: err.message };
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  500: 'Internal Server Error',
};
