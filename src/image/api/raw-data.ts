import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { BadRequest, UnsupportedMediaType } from '../../core/errors.ts';
import type { RequestContext, ServiceApp } from '../../core/http/service.ts';
import type { Caller } from '../store/members.ts';
import type { ImageMemberRow, ImageRow } from '../tables.ts';
import type { IncomingData } from '../upload.ts';

/**
 * Route options for a route taking image bytes: the shared app caps bodies at `bodyLimit` for JSON, but image
 * data is capped by the data meter (config image.sizeCap) as it streams, so the route lifts Fastify's limit.
 */
export const RAW_ROUTE = { bodyLimit: Number.MAX_SAFE_INTEGER } as const;

/**
 * Lets octet-stream bodies through unread into the routes of `scope` (and nothing else of the service): the
 * handler gets the request stream itself, chunked or not, and pipes it to a store with backpressure.
 */
export function acceptRawData(scope: ServiceApp): void {
  // Every media type reaches the handler unread, so that it (not the service's JSON parser) decides: Glance
  // answers 415 for anything but octet-stream, even a JSON body.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  // An answer given before the body was read (404, 409, 413…) closes the connection: the client may still be
  // sending gigabytes, and a half-read request would otherwise hold the socket until the keep-alive timeout.
  scope.addHook('onSend', async (req, reply, payload) => {
    if (!req.raw.complete) reply.header('connection', 'close');
    return payload;
  });
}

/** The request's data stream, its announced size and a signal that fires if the client goes away. */
export function incomingData(req: FastifyRequest): IncomingData {
  const ac = new AbortController();
  req.raw.on('close', () => {
    if (!req.raw.complete) ac.abort();
  });
  // Glance takes image data only as application/octet-stream, even an empty body.
  if (!/^application\/octet-stream\s*(;|$)/i.test(req.headers['content-type'] ?? ''))
    throw new UnsupportedMediaType('The media type of the request is not supported; use application/octet-stream.');
  // Glance's own size header wins over Content-Length (a chunked upload may announce its size with it).
  const announced = req.headers['x-openstack-image-size'] ?? req.headers['content-length'];
  let expectedSize: number | undefined;
  if (announced !== undefined) {
    expectedSize = /^\d+$/.test(String(announced)) ? Number(announced) : Number.NaN;
    if (!Number.isSafeInteger(expectedSize)) throw new BadRequest('Invalid or missing image size in request headers.');
  }
  // No body at all (Content-Length: 0) reaches the handler without the parser: an empty image.
  const body = req.body instanceof Readable ? req.body : Readable.from([]);
  return { body, signal: ac.signal, expectedSize };
}

export function callerOf(ctx: RequestContext): Caller {
  const auth = ctx.requireAuth();
  return { projectId: auth.projectId ?? null, isAdmin: auth.roles.some((r) => r.name === 'admin') };
}

/** Glance's ImageTarget for policy checks on one image. */
export function imageTarget(image: ImageRow, membership: ImageMemberRow | undefined): Record<string, unknown> {
  return {
    project_id: image.owner,
    owner: image.owner,
    visibility: image.visibility,
    image_id: image.id,
    member_id: membership?.member ?? null,
  };
}
