import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../../core/host/run.ts';
import type { SnapshotData } from '../hypervisor.ts';
import type { QemuHost } from './host-context.ts';
import { qmpOf } from './lifecycle.ts';
import type { InstancePaths } from './paths.ts';

/**
 * The root disk flattened into a standalone qcow2 (overlay and backing image merged). A running guest is paused
 * for the copy so the disk is consistent without a QMP block job, and continued right after; the file is
 * removed once the stream has been read (or abandoned).
 */
export async function snapshotRoot(
  h: QemuHost,
  paths: InstancePaths,
  uuid: string,
  signal: AbortSignal,
): Promise<SnapshotData> {
  const out = join(paths.dir, `snapshot-${randomBytes(4).toString('hex')}.qcow2`);
  const client = await qmpOf(h, paths, uuid).catch(() => undefined);
  const status = client ? await client.execute<{ status: string }>('query-status') : undefined;
  const pause = status?.status === 'running';
  if (pause) await client?.execute('stop');
  try {
    await run('qemu-img', ['convert', '-U', '-O', 'qcow2', paths.root, out], { signal });
  } catch (err) {
    await rm(out, { force: true });
    throw err;
  } finally {
    if (pause) await client?.execute('cont').catch(() => {});
  }
  const size = (await stat(out)).size;
  async function* chunks(): AsyncIterable<Uint8Array> {
    try {
      for await (const chunk of createReadStream(out, { highWaterMark: 1024 * 1024 })) yield chunk as Buffer;
    } finally {
      await rm(out, { force: true });
    }
  }
  return { disk_format: 'qcow2', container_format: 'bare', size, stream: chunks() };
}
