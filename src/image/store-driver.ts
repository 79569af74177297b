import type { Readable, Writable } from 'node:stream';

/** An inclusive byte range [start, end] of an image's data. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Image data opened for a download, written by the store itself. A Readable cannot know when the socket is
 * done with the buffer it handed out, so every chunk must be a fresh allocation (1 GiB is 1024 of them, and
 * V8's collections of that memory cost ~18% of the event loop); a store writing to the response can refill
 * a few buffers each time the response reports one flushed.
 */
export interface OpenedData {
  /**
   * Writes every byte to `out` and ends it; resolves once `out` has finished. Rejects if a read fails, the
   * data ends early, or `out` closes first (the client went away); the source is closed either way.
   */
  writeTo(out: Writable): Promise<void>;
  /** Releases the source without writing it (a response that cannot go ahead after all). */
  close(): Promise<void>;
}

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
  get(url: string, range?: ByteRange): Promise<Readable>;
  /**
   * Optional fast path for downloads: opens the data (or range) to be written straight to a response with
   * reused buffers. Rejects as `get` does (ENOENT for missing data) before any byte is written. A store
   * without it (an object store streaming over HTTP) is served through `get`.
   */
  open?(url: string, range?: ByteRange): Promise<OpenedData>;
  delete(url: string): Promise<void>;
}
