import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { ByteRange, OpenedData } from '../../store-driver.ts';

/**
 * Buffers in flight per download. Two keep one being read while one is sent; more let the disk run ahead of
 * a socket that drains in bursts. The bound is also the backpressure: nothing is read until a buffer is free.
 */
const SLOTS = 4;
/** Buffers kept between downloads, so a run of downloads allocates nothing after the first. */
const MAX_SPARE = 16;
const spare: Buffer[] = [];

/**
 * Opens `path` (or the inclusive range) for a download that reads into a few reused `chunk`-sized buffers,
 * refilling each once `out.write`'s callback reports it handed to the kernel. Fails with ENOENT before
 * anything is written when the file is missing.
 */
export async function openFileData(path: string, range: ByteRange | undefined, chunk: number): Promise<OpenedData> {
  const file = await open(path, 'r');
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= file.close();
    return closing;
  };
  let bounds: ByteRange;
  try {
    bounds = range ?? { start: 0, end: (await file.stat()).size - 1 };
  } catch (err) {
    await close();
    throw err;
  }
  return {
    async writeTo(out) {
      try {
        await writeRange(out, bounds, chunk, (buffer, position) => file.read(buffer, 0, buffer.length, position));
      } finally {
        await close();
      }
    },
    close,
  };
}

type ReadAt = (buffer: Buffer, position: number) => Promise<{ bytesRead: number }>;

async function writeRange(out: Writable, { start, end }: ByteRange, chunk: number, readAt: ReadAt): Promise<void> {
  const free: Buffer[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const fail = (err: Error) => {
    failure ??= err;
    wake?.();
  };
  const onClose = () => {
    if (!out.writableFinished) fail(new Error('the client closed the connection before the end of the data'));
  };
  // Stays attached (the response is per request): an error emitted with no listener would end the process.
  out.on('error', fail);
  out.on('close', onClose);
  // Waits for a buffer to come back, the response to finish, or a failure, whichever comes first.
  const settle = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    }).finally(() => {
      wake = undefined;
    });

  const total = end + 1 - start;
  const slots = Math.min(SLOTS, Math.ceil(total / chunk));
  for (let i = 0; i < slots; i++) free.push(spare.pop() ?? Buffer.allocUnsafeSlow(chunk));
  try {
    let position = start;
    while (position <= end) {
      while (!failure && free.length === 0) await settle();
      if (failure) throw failure;
      const buffer = free.pop() as Buffer;
      const want = Math.min(chunk, end + 1 - position);
      const { bytesRead } = await readAt(want === chunk ? buffer : buffer.subarray(0, want), position);
      if (failure || bytesRead === 0) {
        free.push(buffer);
        throw failure ?? new Error(`image data ends at byte ${position}, before ${end + 1}`);
      }
      position += bytesRead;
      // A buffer comes back only once the socket has copied it: after an error it may still be referenced,
      // so it is left to the collector rather than refilled under the kernel's feet.
      out.write(bytesRead === chunk ? buffer : buffer.subarray(0, bytesRead), (err) => {
        if (err) return fail(err);
        free.push(buffer);
        wake?.();
      });
    }
    out.end(() => wake?.());
    while (!failure && !out.writableFinished) await settle();
    if (failure) throw failure;
  } finally {
    out.removeListener('close', onClose);
    for (const buffer of free) if (spare.length < MAX_SPARE) spare.push(buffer);
  }
}
