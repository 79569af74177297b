import type { Readable } from 'node:stream';
import { type Static, Type } from '@sinclair/typebox';
import { ApiError, Forbidden } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { parseRange } from '../byte-range.ts';
import type { ImageDeps } from '../deps.ts';
import { sendOpenedData } from '../image-download.ts';
import { uploadAllowance } from '../quotas.ts';
import { listLocations } from '../store/image-data.ts';
import { type Caller, visibleImage } from '../store/members.ts';
import type { OpenedData } from '../store-driver.ts';
import type { ImageRow } from '../tables.ts';
import { uploadImageData } from '../upload.ts';
import { acceptRawData, callerOf, imageTarget, incomingData, RAW_ROUTE } from './raw-data.ts';

const ImageParam = Type.Object({ image_id: Type.String({ maxLength: 255 }) });
type ImageParam = Static<typeof ImageParam>;

/** Glance keeps this check in code whatever the policy says: only the owner (or an admin) writes data. */
export function requireOwner(caller: Caller, image: ImageRow): void {
  if (!caller.isAdmin && image.owner !== caller.projectId) throw new Forbidden('You do not own this image');
}

export function imageDataRoutes(app: ServiceApp, deps: ImageDeps): void {
  app.register(async (scope) => {
    acceptRawData(scope);

    scope.put<{ Params: ImageParam }>(
      '/v2/images/:image_id/file',
      { schema: { params: ImageParam }, ...RAW_ROUTE },
      async (req, reply) => {
        const caller = callerOf(req.ctx);
        const { image, membership } = await visibleImage(deps.db, req.params.image_id, caller);
        req.ctx.enforce('upload_image', imageTarget(image, membership));
        requireOwner(caller, image);
        const maxBytes = await uploadAllowance(deps, caller.projectId);
        await uploadImageData(deps, image, { ...incomingData(req), maxBytes });
        return reply.code(204).send();
      },
    );

    scope.get<{ Params: ImageParam }>(
      '/v2/images/:image_id/file',
      { schema: { params: ImageParam } },
      async (req, reply) => {
        const caller = callerOf(req.ctx);
        const { image, membership } = await visibleImage(deps.db, req.params.image_id, caller);
        req.ctx.enforce('download_image', imageTarget(image, membership));
        if (image.status === 'deactivated' && !caller.isAdmin)
          throw new Forbidden('The requested image has been deactivated. Image data download is forbidden.');
        const [location] = await listLocations(deps.db, image.id, deps.defaultStore);
        const store = location && deps.stores.get(location.store);
        // Glance answers 204 for an image without data (queued, or mid-upload) rather than 404.
        if (!location || !store || image.size === null || !['active', 'deactivated'].includes(image.status))
          return reply.code(204).send();
        const size = image.size;
        const rangeHeader = req.headers.range;
        const range = rangeHeader === undefined ? undefined : parseRangeFor(reply, rangeHeader, size);
        const wanted = range && size > 0 ? range : undefined;
        let data: Readable | OpenedData;
        try {
          // A store that can write the response itself reuses its buffers (store-driver.ts: OpenedData).
          // The record's size, not the file's: data cut short must cut the connection, not end a short body
          // that leaves the client waiting for the rest of Content-Length.
          data = store.open
            ? await store.open(location.url, range ?? { start: 0, end: size - 1 })
            : await store.get(location.url, wanted);
        } catch (err) {
          // The row says there is data but the store has none: Glance's answer for a missing store object.
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reply.code(204).send();
          throw err;
        }
        reply.header('content-type', 'application/octet-stream');
        if (image.checksum) reply.header('content-md5', image.checksum);
        if (range) {
          reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`);
          reply.header('content-length', String(range.end - range.start + 1));
        } else reply.code(200).header('content-length', String(size));
        if (!('writeTo' in data)) return reply.send(data);
        await sendOpenedData(req, reply, data);
        return reply;
      },
    );
  });
}

// A 416 carries `Content-Range: bytes */<size>` so the client learns the real size (RFC 9110 §15.5.17).
function parseRangeFor(reply: { header(k: string, v: string): unknown }, header: string, size: number) {
  try {
    return parseRange(header, size);
  } catch (err) {
    if (err instanceof ApiError) reply.header('content-range', `bytes */${size}`);
    throw err;
  }
}
