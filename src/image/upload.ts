import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { ApiError, BadRequest } from '../core/errors.ts';
import { meterImageData } from './data-meter.ts';
import type { ImageDeps } from './deps.ts';
import { virtualSizeOf } from './qcow2-header.ts';
import { activateImage, claimStatus, currentStatus, releaseStatus } from './store/image-data.ts';
import type { ImageRow, ImageStatus } from './tables.ts';

export interface IncomingData {
  body: Readable;
  signal: AbortSignal;
  /** What the client announced (Content-Length); fewer or more bytes is a failed upload. */
  expectedSize?: number;
  /** The most bytes this upload may bring (quota and size cap); past it the upload fails with 413. */
  maxBytes?: number;
}

/**
 * PUT /file: queued → saving → active. Any failure puts the image back to `queued` with nothing left in the
 * store, so the client may simply retry; an image deleted meanwhile answers 410 as in Glance.
 */
export async function uploadImageData(deps: ImageDeps, image: ImageRow, data: IncomingData): Promise<void> {
  await claimStatus(deps.db, image.id, ['queued'], 'saving');
  try {
    await storeImageData(deps, image, 'saving', data);
  } catch (err) {
    await releaseStatus(deps.db, image.id, 'saving', 'queued');
    throw await asClientError(deps, image.id, err);
  }
}

/**
 * Streams data into the default store while hashing it, then marks the image active with its facts and
 * location. `from` is the status the image holds meanwhile (`saving`, or `importing` for an import).
 */
export async function storeImageData(
  deps: ImageDeps,
  image: ImageRow,
  from: ImageStatus,
  { body, signal, expectedSize, maxBytes }: IncomingData,
): Promise<void> {
  const store = deps.stores.get(deps.defaultStore);
  if (!store) throw new Error(`default store ${deps.defaultStore} is not configured`);
  const meter = meterImageData(refuseOversized(deps, expectedSize, maxBytes));
  // The callback form hands errors of `body` on to the meter, so the store's own pipeline sees them too.
  const metered = pipeline(body, meter.stream, () => {});
  const { url } = await store.put(image.id, metered, { signal });
  const facts = meter.result();
  if (expectedSize !== undefined && facts.size !== expectedSize) {
    await store.delete(url);
    throw new BadRequest(`Image data size ${facts.size} does not match the announced size ${expectedSize}.`);
  }
  const stored = await activateImage(
    deps.db,
    image.id,
    from,
    {
      size: facts.size,
      checksum: facts.checksum,
      os_hash_algo: facts.os_hash_algo,
      os_hash_value: facts.os_hash_value,
      virtual_size: virtualSizeOf(image.disk_format, facts.head, facts.size),
    },
    { store: store.name, url },
  );
  if (!stored) {
    await store.delete(url);
    throw new ApiError(
      410,
      'Gone',
      `Image ${image.id} could not be found after upload. The image may have been deleted during the upload.`,
    );
  }
}

/**
 * The most bytes an upload may bring: the image size cap, or less under a quota. A body announced larger is
 * refused before a byte is read; one that only turns out larger is cut off by the meter, with the same 413.
 */
export function refuseOversized(deps: ImageDeps, expectedSize: number | undefined, maxBytes?: number): number {
  const cap = Math.min(deps.config.image.sizeCap, maxBytes ?? Number.POSITIVE_INFINITY);
  if (expectedSize !== undefined && expectedSize > cap)
    throw new ApiError(413, 'Request Entity Too Large', `Image exceeds the storage quota: ${cap} bytes.`);
  return cap;
}

/**
 * What the client hears when its data did not make it: a dropped connection or short body is its fault (400),
 * not a 500; the image having been deleted meanwhile is 410.
 */
export async function asClientError(deps: ImageDeps, imageId: string, err: unknown): Promise<unknown> {
  if (err instanceof ApiError) return err;
  const status = await currentStatus(deps.db, imageId);
  if (status === undefined || status === 'deleted')
    return new ApiError(
      410,
      'Gone',
      `Image ${imageId} could not be found after upload. The image may have been deleted during the upload.`,
    );
  const code = (err as NodeJS.ErrnoException)?.code;
  const name = (err as Error)?.name;
  if (name === 'AbortError' || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE')
    return new BadRequest('The image data was not fully received; the upload was interrupted.');
  return err;
}
