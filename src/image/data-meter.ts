import { Transform } from 'node:stream';
import { ApiError } from '../core/errors.ts';
import { parallelHash } from './image-hash-pool.ts';
import { HEADER_BYTES } from './qcow2-header.ts';

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
 * the header (and the hash pool's few slots) in memory. `result()` is valid once the stream has ended.
 * The hashing runs on worker threads (image-hash-pool.ts); a chunk moves on as soon as it is queued there.
 */
export function meterImageData(cap: number): { stream: Transform; result(): MeteredData } {
  const hash = parallelHash(['md5', 'sha512']);
  const headParts: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  let done: MeteredData | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > cap)
        return cb(new ApiError(413, 'Request Entity Too Large', `Image exceeds the storage quota: ${cap} bytes.`));
      if (headLength < HEADER_BYTES) {
        const part = chunk.subarray(0, HEADER_BYTES - headLength);
        // Copy: the chunk's backing buffer may be a pooled slab we must not pin.
        headParts.push(Buffer.from(part));
        headLength += part.length;
      }
      const wait = hash.update(chunk);
      if (wait) wait.then(() => cb(null, chunk), cb);
      else cb(null, chunk);
    },
    flush(cb) {
      hash.digest().then(([checksum, os_hash_value]) => {
        done = { size, checksum, os_hash_algo: 'sha512', os_hash_value, head: Buffer.concat(headParts) };
        cb();
      }, cb);
    },
    destroy(err, cb) {
      hash.drop();
      cb(err);
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
