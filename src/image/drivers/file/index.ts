import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ImageStore } from '../../store-driver.ts';
import { openFileData } from './file-download.ts';

/**
 * Read and write size for image files. Node's defaults (64 KiB reads, 16 KiB of write buffer) make a
 * thread-pool round trip per socket chunk, which halved upload and download speed on loopback
 * (`npm run bench -- image`); 1 MiB keeps the disk side well ahead of the network.
 */
const IO_CHUNK = 1024 * 1024;

/**
 * Image data as one file per image under `dir` (`<data-dir>/images` by default). A write goes to a
 * `.partial` file renamed into place only once complete, so an interrupted upload leaves nothing that looks
 * like image data, and `rm` of the partial cleans up after it.
 */
export function createFileStore(dir: string): ImageStore {
  const pathOf = (imageId: string) => join(dir, imageId);
  const inStore = (url: string): string => {
    const path = fileURLToPath(url);
    if (!path.startsWith(`${dir}/`)) throw new Error(`location ${url} is outside the file store`);
    return path;
  };
  return {
    name: 'file',
    description: 'Image data as files on this host',
    async put(imageId, data, { signal }) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const final = pathOf(imageId);
      const partial = `${final}.partial`;
      const out = createWriteStream(partial, { mode: 0o600, highWaterMark: IO_CHUNK });
      try {
        await pipeline(data, out, { signal });
        await rename(partial, final);
      } catch (err) {
        // The stream may still be opening the file when the pipeline fails (a client gone after a few bytes):
        // removing it before the stream has closed would let the open re-create it afterwards.
        if (!out.closed) await once(out, 'close');
        await rm(partial, { force: true });
        throw err;
      }
      return { url: pathToFileURL(final).href, size: (await stat(final)).size };
    },
    async get(url, range) {
      const bounds = range ? { start: range.start, end: range.end } : {};
      return createReadStream(inStore(url), { ...bounds, highWaterMark: IO_CHUNK }) as Readable;
    },
    open(url, range) {
      return openFileData(inStore(url), range, IO_CHUNK);
    },
    async delete(url) {
      await rm(inStore(url), { force: true });
    },
  };
}
