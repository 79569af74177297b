import { createReadStream, createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';

/**
 * One entry of the guest's root filesystem. Everything is owned by root and stamped with one fixed time, so the
 * builder needs no root privileges and two builds from the same packages give the same initramfs bytes.
 */
export type RootfsEntry =
  | { kind: 'dir'; path: string; mode: number }
  | { kind: 'file'; path: string; mode: number; data: Buffer }
  /** A host file copied in; streamed, not read into memory. */
  | { kind: 'host-file'; path: string; mode: number; source: string; size: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'char-device'; path: string; mode: number; major: number; minor: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
// 2024-01-01T00:00:00Z: any constant will do; a constant keeps the archive reproducible.
const MTIME = 1704067200;

/** Writes `entries` as a gzip-compressed newc cpio archive, the format the kernel unpacks as its initramfs. */
export async function writeInitramfs(file: string, entries: readonly RootfsEntry[], signal: AbortSignal) {
  const gzip = createGzip({ level: constants.Z_BEST_COMPRESSION });
  const done = pipeline(gzip, createWriteStream(file), { signal });
  await writeCpio(gzip, entries);
  gzip.end();
  await done;
}

async function writeCpio(out: Writable, entries: readonly RootfsEntry[]): Promise<void> {
  let ino = 1;
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const e of sorted) {
    const name = e.path.replace(/^\/+/, '');
    switch (e.kind) {
      case 'dir':
        await put(out, header(ino++, S_IFDIR | e.mode, 0, name, 2), name);
        break;
      case 'file':
        await put(out, header(ino++, S_IFREG | e.mode, e.data.length, name), name, e.data);
        break;
      case 'symlink': {
        const target = Buffer.from(e.target);
        await put(out, header(ino++, S_IFLNK | 0o777, target.length, name), name, target);
        break;
      }
      case 'char-device':
        await put(out, header(ino++, S_IFCHR | e.mode, 0, name, 1, e.major, e.minor), name);
        break;
      case 'host-file':
        await put(out, header(ino++, S_IFREG | e.mode, e.size, name), name);
        for await (const chunk of createReadStream(e.source)) await write(out, chunk as Buffer);
        await write(out, padding(e.size));
        break;
    }
  }
  await put(out, header(0, 0, 0, 'TRAILER!!!', 1), 'TRAILER!!!');
}

/** The 110-byte newc header: magic then thirteen 8-digit hexadecimal fields. */
function header(ino: number, mode: number, size: number, name: string, nlink = 1, rmajor = 0, rminor = 0): Buffer {
  const fields = [ino, mode, 0, 0, nlink, MTIME, size, 0, 0, rmajor, rminor, Buffer.byteLength(name) + 1, 0];
  return Buffer.from(`070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`, 'ascii');
}

async function put(out: Writable, head: Buffer, name: string, data?: Buffer): Promise<void> {
  // The name (with its NUL) is padded so that header + name ends on a 4-byte boundary; so is the data.
  const nameBytes = Buffer.concat([Buffer.from(name), Buffer.alloc(1)]);
  await write(out, Buffer.concat([head, nameBytes, padding(head.length + nameBytes.length)]));
  if (data) await write(out, Buffer.concat([data, padding(data.length)]));
}

const padding = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);

function write(out: Writable, chunk: Buffer): Promise<void> {
  // Honour back-pressure: the kernel and busybox are megabytes, and gzip is slower than reading them.
  if (out.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => out.once('drain', () => resolve()));
}
