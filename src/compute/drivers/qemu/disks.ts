import { copyFile, rm, stat } from 'node:fs/promises';
import type { ImageSpec, InstanceSpec } from '../hypervisor.ts';
import type { QemuHost } from './host-context.ts';
import { createBlankDisk, createOverlay, GiB, siblingDownload } from './images.ts';
import type { InstanceRecord } from './instance-record.ts';
import type { InstancePaths } from './paths.ts';

const MiB = 1024 ** 2;
const DEFAULT_CMDLINE = 'root=/dev/vda console=ttyS0';

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** Which optional disks an instance has on disk now (the command line lists only those). */
export async function presentDisks(paths: InstancePaths) {
  const [ephemeral, swap] = await Promise.all([exists(paths.ephemeral), exists(paths.swap)]);
  return { ephemeral, swap };
}

function prop(image: ImageSpec, key: string): string | undefined {
  const v = image.properties?.[key];
  return typeof v === 'string' && v ? v : undefined;
}

/** The root overlay on the cached image, plus direct-boot kernel and ramdisk when the image names them. */
export async function createRootDisk(
  h: QemuHost,
  record: InstanceRecord,
  paths: InstancePaths,
  signal: AbortSignal,
): Promise<void> {
  const { image, flavor } = record.spec;
  const cached = await h.images.ensure(image, signal);
  await createOverlay(cached, paths.root, flavor.root_gb, signal);
  record.backing_format = cached.format;
  const kernelId = prop(image, 'kernel_id');
  const ramdiskId = prop(image, 'ramdisk_id');
  if (!kernelId) {
    delete record.direct_boot;
    return;
  }
  // Kernel and ramdisk are copied beside the disk: QEMU reads them at every start, the cache may be pruned.
  const kernel = await h.images.ensure(
    { id: kernelId, disk_format: 'aki', download: siblingDownload(image, kernelId) },
    signal,
  );
  await copyFile(kernel.path, paths.kernel);
  if (ramdiskId) {
    const ramdisk = await h.images.ensure(
      { id: ramdiskId, disk_format: 'ari', download: siblingDownload(image, ramdiskId) },
      signal,
    );
    await copyFile(ramdisk.path, paths.ramdisk);
  }
  record.direct_boot = {
    kernel: true,
    ramdisk: !!ramdiskId,
    cmdline: prop(image, 'os_command_line') ?? DEFAULT_CMDLINE,
  };
}

/** Ephemeral and swap disks as the flavor asks (removed when it has none). */
export async function createFlavorDisks(spec: InstanceSpec, paths: InstancePaths, signal: AbortSignal): Promise<void> {
  if (spec.flavor.ephemeral_gb > 0) await createBlankDisk(paths.ephemeral, spec.flavor.ephemeral_gb * GiB, signal);
  else await rm(paths.ephemeral, { force: true });
  if (spec.flavor.swap > 0) await createBlankDisk(paths.swap, spec.flavor.swap * MiB, signal);
  else await rm(paths.swap, { force: true });
}

/** The config drive when the user asked for one or the operator forces it (Nova's force_config_drive). */
export async function createConfigDrive(
  h: QemuHost,
  record: InstanceRecord,
  paths: InstancePaths,
  signal: AbortSignal,
): Promise<void> {
  await rm(paths.configDrive('iso9660'), { force: true });
  await rm(paths.configDrive('vfat'), { force: true });
  delete record.config_drive;
  if (!record.spec.injected.configDrive && !h.forceConfigDrive) return;
  const format = h.qemu.configDriveFormat;
  await h.writeConfigDrive(record.spec, paths.configDrive(format), format, signal);
  record.config_drive = format;
}
