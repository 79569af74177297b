import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { ApiError } from '../core/errors.ts';
import { HEADER_BYTES } from './qcow2-header.ts';

/**
 * Glance's default `image_size_cap`: 1 TiB. A constant rather than configuration until an operator needs
 * another value; past it an upload answers 413 as the bytes arrive, whatever Content-Length claimed.
 */
export const IMAGE_SIZE_CAP = 1024 ** 4;

export interface MeteredData {
  size: number;
  /** Hex md5: Glance's legacy `checksum`, also sent back as Content-MD5 on download. */
  checksum: string;
  os_hash_algo: 'sha512';
  os_hash_value: string;
  /** The first bytes, for format inspection (qcow2 header). */
  head: Buffer;
}

/**
 * A pass-through stream that hashes (md5 + sha512), counts and caps image data without holding more than
 * the header in memory. `result()` is valid once the stream has ended.
 */
export function meterImageData(cap = IMAGE_SIZE_CAP): { stream: Transform; result(): MeteredData } {
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  const headParts: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  let done: MeteredData | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > cap)
        return cb(new ApiError(413, 'Request Entity Too Large', `Image exceeds the storage quota: ${cap} bytes.`));
      md5.update(chunk);
      sha512.update(chunk);
      if (headLength < HEADER_BYTES) {
        const part = chunk.subarray(0, HEADER_BYTES - headLength);
        // Copy: the chunk's backing buffer may be a pooled slab we must not pin.
        headParts.push(Buffer.from(part));
        headLength += part.length;
      }
      cb(null, chunk);
    },
    flush(cb) {
      done = {
        size,
        checksum: md5.digest('hex'),
        os_hash_algo: 'sha512',
        os_hash_value: sha512.digest('hex'),
        head: Buffer.concat(headParts),
      };
      cb();
    },
  });
  return {
    stream,
    result() {
      if (!done) throw new Error('image data stream has not ended');
      return done;
    },
  };
}
