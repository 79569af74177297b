import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, BadRequest, MethodNotAllowed, NotFound, PayloadTooLarge, UnsupportedMediaType } from '../errors.ts';

/**
 * Turns whatever a handler threw into an ApiError: schema failures and unparsable bodies are 400, Fastify's
 * own size and media-type errors keep their status, anything else is a Strata bug (500, logged with stack).
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const fe = err as FastifyError;
  if (fe?.validation) return new BadRequest(validationMessage(fe));
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaType();
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BadRequest('The request body is not valid JSON.');
  }
  if (err instanceof SyntaxError) return new BadRequest('The request body is not valid JSON.');
  const status = fe?.statusCode;
  if (status === 404) return new NotFound('The resource could not be found.');
  if (status === 405) return new MethodNotAllowed();
  if (status && status >= 400 && status < 500) return new ApiError(status, 'Bad Request', fe.message);
  return new ApiError(
    500,
    'Internal Server Error',
    'An unexpected error prevented the server from fulfilling your request.',
    {
      cause: err,
    },
  );
}

function validationMessage(err: FastifyError): string {
  const first = err.validation?.[0];
  if (!first) return 'Invalid input.';
  const where = first.instancePath ? first.instancePath.replace(/^\//, '').replaceAll('/', '.') : err.validationContext;
  const extra = (first.params as { additionalProperty?: string })?.additionalProperty;
  if (extra)
    return `Invalid input for field '${where || 'body'}': Additional properties are not allowed ('${extra}' was unexpected)`;
  return `Invalid input for field '${where || 'body'}': ${first.message ?? 'is invalid'}`;
}

export function makeErrorHandler(body: (err: ApiError) => unknown) {
  return (err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const apiErr = toApiError(err);
    if (apiErr.status >= 500) req.log.error({ err }, 'unhandled error');
    else req.log.info({ status: apiErr.status, msg: apiErr.message }, 'request failed');
    if (apiErr.status === 401)
      reply.header('www-authenticate', `Keystone uri="${req.protocol}://${req.host}/identity"`);
    return reply.code(apiErr.status).type('application/json').send(body(apiErr));
  };
}
