import { link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureNamespace, hostNamespace } from '../../../core/host/netns.ts';
import { run } from '../../../core/host/run.ts';
import type { FlavorSpec, InstanceSpec } from '../hypervisor.ts';
import { createConfigDrive } from './disks.ts';
import { pathsOf, type QemuHost } from './host-context.ts';
import { createBlankDisk, GiB, growDisk } from './images.ts';
import { readRecord, writeRecord } from './instance-record.ts';
import { loadRecord, requireQmp, startInstance, stopInstance } from './lifecycle.ts';
import { type InstancePaths, RESIZE_SUFFIX } from './paths.ts';
import type { QmpClient } from './qmp.ts';

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** Disk-like files an instance directory may hold (what a move carries over). */
const CARRIED = [
  'disk.qcow2',
  'disk.eph0',
  'disk.swap',
  'kernel',
  'ramdisk',
  'config.iso',
  'config.vfat',
  'console.log',
];

/** Resize, source side: power off and set the directory aside as `<uuid>_resize` for a revert. */
export async function migrateDiskAndPowerOff(h: QemuHost, uuid: string, _flavor: FlavorSpec, signal: AbortSignal) {
  const paths = pathsOf(h, uuid);
  const record = await loadRecord(h, paths, uuid);
  await stopInstance(h, paths, uuid, { graceful: true, signal });
  const kept = pathsOf(h, uuid, RESIZE_SUFFIX);
  await rm(kept.dir, { recursive: true, force: true });
  await rename(paths.dir, kept.dir);
  record.old_flavor = record.spec.flavor;
  await writeRecord(kept.record, record);
}

/** The `<uuid>_resize` directory of this machine: this host's first, then any other host's (a cold migration). */
async function findKept(h: QemuHost, uuid: string): Promise<InstancePaths | undefined> {
  const own = pathsOf(h, uuid, RESIZE_SUFFIX);
  if (await exists(own.record)) return own;
  const hosts = await readdir(join(h.dataDir, 'compute')).catch(() => [] as string[]);
  for (const host of hosts) {
    const p = pathsOf({ dataDir: h.dataDir, host }, uuid, RESIZE_SUFFIX);
    if (await exists(p.record)) return p;
  }
  return undefined;
}

/**
 * Resize, destination side: copies the kept disks (the source keeps its own for a revert), grows them to the new
 * flavor, rebases the root overlay onto this host's image cache when the image can still be fetched, and starts.
 */
export async function finishMigration(h: QemuHost, spec: InstanceSpec, powerOn: boolean, signal: AbortSignal) {
  const kept = await findKept(h, spec.uuid);
  const old = kept && (await readRecord(kept.record));
  if (!kept || !old) throw new Error(`no disks of instance ${spec.uuid} kept by a resize on this machine`);
  const paths = pathsOf(h, spec.uuid);
  await stopInstance(h, paths, spec.uuid, { graceful: false });
  await rm(paths.dir, { recursive: true, force: true });
  await mkdir(paths.dir, { recursive: true });
  for (const file of CARRIED) {
    const from = join(kept.dir, file);
    if (await exists(from)) await run('cp', ['--sparse=always', from, join(paths.dir, file)], { signal });
  }
  if (spec.image.download) {
    const cached = await h.images.ensure(spec.image, signal).catch(() => undefined);
    if (cached) await run('qemu-img', ['rebase', '-u', '-F', cached.format, '-b', cached.path, paths.root], { signal });
  }
  const f = spec.flavor;
  if (f.root_gb > 0) await growDisk(paths.root, f.root_gb * GiB, signal);
  if (f.ephemeral_gb > 0) {
    if (await exists(paths.ephemeral)) await growDisk(paths.ephemeral, f.ephemeral_gb * GiB, signal);
    else await createBlankDisk(paths.ephemeral, f.ephemeral_gb * GiB, signal);
  }
  if (f.swap > 0) await createBlankDisk(paths.swap, f.swap * 1024 ** 2, signal);
  else await rm(paths.swap, { force: true });
  const record = { ...old, host: h.host, spec: { ...spec, image: old.spec.image } };
  delete record.old_flavor;
  await createConfigDrive(h, record, paths, signal);
  await writeRecord(paths.record, record);
  if (powerOn) await startInstance(h, paths, record, signal);
}

/** Revert, source side: the kept directory becomes the instance again, with its old flavor. */
export async function finishRevertMigration(h: QemuHost, spec: InstanceSpec, powerOn: boolean, signal: AbortSignal) {
  const paths = pathsOf(h, spec.uuid);
  const kept = pathsOf(h, spec.uuid, RESIZE_SUFFIX);
  if (await exists(kept.record)) {
    await stopInstance(h, paths, spec.uuid, { graceful: false });
    await rm(paths.dir, { recursive: true, force: true });
    await rename(kept.dir, paths.dir);
  }
  const record = await loadRecord(h, paths, spec.uuid);
  record.spec = { ...spec, flavor: record.old_flavor ?? spec.flavor };
  delete record.old_flavor;
  await writeRecord(paths.record, record);
  if (powerOn) await startInstance(h, paths, record, signal);
}

export async function confirmMigration(h: QemuHost, uuid: string): Promise<void> {
  await rm(pathsOf(h, uuid, RESIZE_SUFFIX).dir, { recursive: true, force: true });
}

/**
 * Live migration to another host of this machine: the destination directory gets hard links to the same disk
 * files (one filesystem, so storage is shared and nothing is copied; QEMU hands the image locks over at the end
 * of the migration), a QEMU waits with `-incoming` in the destination's namespace, the source sends its state
 * over a Unix socket, and the source QEMU and directory go once the destination runs.
 */
export async function liveMigrate(h: QemuHost, uuid: string, destHost: string, signal: AbortSignal) {
  if (destHost === h.host) throw new Error(`live migration of ${uuid}: ${destHost} is the source host`);
  const src = pathsOf(h, uuid);
  const record = await loadRecord(h, src, uuid);
  const source = await requireQmp(h, src, uuid, 'live migration');
  const dest = pathsOf({ dataDir: h.dataDir, host: destHost }, uuid);
  if (await exists(dest.dir)) throw new Error(`live migration of ${uuid}: ${destHost} already has its directory`);
  const destNs = hostNamespace(destHost);
  await ensureNamespace(destNs);
  await mkdir(dest.dir, { recursive: true });
  let target: QmpClient | undefined;
  try {
    for (const file of CARRIED) {
      const from = join(src.dir, file);
      if (await exists(from)) await link(from, join(dest.dir, file));
    }
    const moved = { ...record, host: destHost };
    const destHostCtx: QemuHost = { ...h, host: destHost, ns: destNs, qmp: new Map(), connecting: new Map() };
    target = await startInstance(destHostCtx, dest, moved, signal, { incoming: dest.migrateSocket });
    const wasRunning = (await source.execute<{ status: string }>('query-status')).status === 'running';
    await source.execute('migrate-set-parameters', { 'max-bandwidth': 8 * GiB }).catch(() => {});
    await source.execute('migrate', { uri: `unix:${dest.migrateSocket}` });
    for (;;) {
      const m = await source.execute<{ status: string; 'error-desc'?: string }>('query-migrate');
      if (m.status === 'completed') break;
      if (m.status === 'failed' || m.status === 'cancelled')
        throw new Error(`live migration of ${uuid} to ${destHost}: ${m.status} ${m['error-desc'] ?? ''}`.trim());
      await sleep(200, undefined, { signal });
    }
    if (wasRunning) await target.execute('cont');
    target.close();
    destHostCtx.qmp.clear();
  } catch (err) {
    await source.execute('migrate_cancel').catch(() => {});
    await target?.execute('quit').catch(() => {});
    target?.close();
    // Only the links go: the source still runs on the same files (QEMU resumes it after a failed migration).
    await rm(dest.dir, { recursive: true, force: true });
    throw err;
  }
  await stopInstance(h, src, uuid, { graceful: false });
  await rm(src.dir, { recursive: true, force: true });
}
