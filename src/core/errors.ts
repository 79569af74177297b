/**
 * Typed errors thrown by service logic. Each service turns them into its own OpenStack error body in one
 * place (`src/<service>/errors.ts`); anything that is not an `ApiError` is a Strata bug and becomes a 500.
 *
 * @example throw new NotFound(`Could not find project: ${id}.`)
 */
export class ApiError extends Error {
  readonly status: number;
  /** The OpenStack type name some services put in the body (Neutron's "type", Keystone's "title"). */
  readonly type: string;
  constructor(status: number, type: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
    this.type = type;
  }
}

export class BadRequest extends ApiError {
  constructor(message: string, type = 'Bad Request') {
    super(400, type, message);
  }
}
export class Unauthorized extends ApiError {
  constructor(message = 'The request you have made requires authentication.', type = 'Unauthorized') {
    super(401, type, message);
  }
}
export class Forbidden extends ApiError {
  constructor(message = 'You are not authorized to perform the requested action.', type = 'Forbidden') {
    super(403, type, message);
  }
}
export class NotFound extends ApiError {
  constructor(message: string, type = 'Not Found') {
    super(404, type, message);
  }
}
export class MethodNotAllowed extends ApiError {
  constructor(message = 'The method is not allowed for the requested URL.', type = 'Method Not Allowed') {
    super(405, type, message);
  }
}
export class Conflict extends ApiError {
  constructor(message: string, type = 'Conflict') {
    super(409, type, message);
  }
}
export class PayloadTooLarge extends ApiError {
  constructor(message = 'Request is too large.', type = 'Request Entity Too Large') {
    super(413, type, message);
  }
}
export class UnsupportedMediaType extends ApiError {
  constructor(message = 'The media type of the request is not supported.', type = 'Unsupported Media Type') {
    super(415, type, message);
  }
}
