import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Digests } from './image-transfer.ts';

const CHUNK = 1024 * 1024;

/**
 * Writes `size` bytes of random data to `path` (random, so no layer can compress or deduplicate it) and
 * returns its md5 and sha512: the truth the server's checksum and os_hash_value are checked against.
 */
export async function writeRandomFile(path: string, size: number, signal: AbortSignal): Promise<Digests> {
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  const out = createWriteStream(path, { mode: 0o600 });
  try {
    for (let left = size; left > 0; left -= CHUNK) {
      signal.throwIfAborted();
      const chunk = randomBytes(Math.min(CHUNK, left));
      md5.update(chunk);
      sha512.update(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { md5: md5.digest('hex'), sha512: sha512.digest('hex') };
}
