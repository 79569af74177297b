import type { Readable } from 'node:stream';

/**
 * Where image bytes live. `file` (under the data directory) is the first implementation; a Swift store fits
 * the same shape. Data always moves as streams: nothing here may hold a whole image in memory.
 */
export interface ImageStore {
  readonly name: string;
  readonly description: string;
  /** Writes the stream as the image's data; resolves to the location URL once every byte is durable. */
  put(imageId: string, data: Readable, opts: { signal: AbortSignal }): Promise<{ url: string; size: number }>;
  /** Reads the data, or the inclusive byte range [start, end]. */
  get(url: string, range?: { start: number; end: number }): Promise<Readable>;
  delete(url: string): Promise<void>;
}
