import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { run } from '../../../core/host/run.ts';
import type { ImageSpec } from '../hypervisor.ts';

const GiB = 1024 ** 3;

export interface DiskInfo {
  format: string;
  virtualSize: number;
  backing?: string;
}

export interface CachedImage extends DiskInfo {
  path: string;
}

/** `qemu-img info`; `-U` so a disk a running QEMU holds can still be read. */
export async function diskInfo(path: string, signal?: AbortSignal): Promise<DiskInfo> {
  const out = await run('qemu-img', ['info', '-U', '--output=json', path], { signal });
  const info = JSON.parse(out.stdout) as { format: string; 'virtual-size': number; 'backing-filename'?: string };
  return { format: info.format, virtualSize: info['virtual-size'], backing: info['backing-filename'] };
}

/** Image formats the driver boots; Glance's aki/ari/ami are raw bytes (kernels, ramdisks, disks). */
function expectedFormat(diskFormat: string | undefined): string | undefined {
  if (!diskFormat) return undefined;
  if (['aki', 'ari', 'ami'].includes(diskFormat)) return 'raw';
  return diskFormat;
}

async function download(url: string, token: string, to: string, signal: AbortSignal): Promise<void> {
  if (url.startsWith('file:')) {
    await copyFile(fileURLToPath(url), to);
    return;
  }
  const res = await fetch(url, { headers: { 'X-Auth-Token': token }, signal });
  if (!res.ok || !res.body) throw new Error(`image download ${url}: HTTP ${res.status}`);
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(to), {
    signal,
  });
}

/**
 * The per-host image cache `<dataDir>/compute/<host>/images/<image_id>`: downloaded once (to a temp file,
 * checked, then renamed, so a half download is never used), shared read-only as the backing file of every
 * overlay. Only qcow2 without a backing file and raw are accepted: anything else could make QEMU read host
 * files the image names.
 */
export function createImageCache(dir: string) {
  const inFlight = new Map<string, Promise<CachedImage>>();
  const known = new Map<string, CachedImage>();

  async function fetchImage(image: Pick<ImageSpec, 'id' | 'disk_format' | 'download'>, signal: AbortSignal) {
    const path = join(dir, image.id);
    const existing = await stat(path).catch(() => undefined);
    if (!existing) {
      if (!image.download) throw new Error(`image ${image.id} is not cached on this host and has no download URL`);
      await mkdir(dir, { recursive: true });
      const tmp = `${path}.${randomBytes(4).toString('hex')}.part`;
      try {
        await download(image.download.url, image.download.token, tmp, signal);
        await check(image, tmp, signal);
        await rename(tmp, path);
      } finally {
        await rm(tmp, { force: true });
      }
    }
    const info = await check(image, path, signal);
    const cached = { path, ...info };
    known.set(image.id, cached);
    return cached;
  }

  async function check(image: Pick<ImageSpec, 'id' | 'disk_format'>, path: string, signal: AbortSignal) {
    const info = await diskInfo(path, signal);
    if (info.format !== 'qcow2' && info.format !== 'raw')
      throw new Error(`image ${image.id} is ${info.format}: the qemu driver boots qcow2 and raw images only`);
    if (info.backing) throw new Error(`image ${image.id} is a qcow2 with a backing file, which is refused`);
    const want = expectedFormat(image.disk_format);
    if (want && want !== info.format)
      throw new Error(`image ${image.id} says disk_format ${image.disk_format} but its content is ${info.format}`);
    return info;
  }

  return {
    dir,
    /** The cached image, downloading it on first use; concurrent callers share one download. */
    async ensure(image: Pick<ImageSpec, 'id' | 'disk_format' | 'download'>, signal: AbortSignal) {
      const hit = known.get(image.id);
      if (hit) return hit;
      let p = inFlight.get(image.id);
      if (!p) {
        p = fetchImage(image, signal).finally(() => inFlight.delete(image.id));
        inFlight.set(image.id, p);
      }
      return p;
    },
  };
}

export type ImageCache = ReturnType<typeof createImageCache>;

/** A download URL for another image of the same service (kernel_id, ramdisk_id): the id swapped in the path. */
export function siblingDownload(image: ImageSpec, otherId: string): ImageSpec['download'] {
  if (!image.download) return undefined;
  return { url: image.download.url.replace(image.id, otherId), token: image.download.token };
}

/** A qcow2 overlay on a cached image, grown to `rootGb` when that is larger than the image (never shrunk). */
export async function createOverlay(image: CachedImage, to: string, rootGb: number, signal: AbortSignal) {
  const size = rootGb > 0 ? Math.max(rootGb * GiB, image.virtualSize) : undefined;
  await rm(to, { force: true });
  await run(
    'qemu-img',
    ['create', '-q', '-f', 'qcow2', '-F', image.format, '-b', image.path, to, ...(size ? [String(size)] : [])],
    { signal },
  );
}

/** An empty qcow2 disk (ephemeral or swap; the guest formats it). */
export async function createBlankDisk(to: string, bytes: number, signal: AbortSignal): Promise<void> {
  await rm(to, { force: true });
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', to, String(bytes)], { signal });
}

/** Grows a disk to `bytes` when it is smaller (a resize never shrinks a disk). */
export async function growDisk(path: string, bytes: number, signal: AbortSignal): Promise<void> {
  const info = await diskInfo(path, signal);
  if (bytes > info.virtualSize) await run('qemu-img', ['resize', '-q', path, String(bytes)], { signal });
}

export { GiB };
