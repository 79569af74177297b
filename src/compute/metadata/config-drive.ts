import { chmod, mkdir, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { run } from '../../core/host/run.ts';
import type { InstanceSpec } from '../drivers/hypervisor.ts';
import { configDriveTree } from './content.ts';
import { fileBody, filesOf } from './tree.ts';

/** The volume label guests (cloud-init, the test image) look the config drive up by. */
export const CONFIG_DRIVE_LABEL = 'config-2';
/** Nova's size for a vfat config drive: there is no tool that sizes a FAT image to its files. */
const VFAT_SIZE_BYTES = 64 * 1024 * 1024;

/** mtools refuses an image without a partition-table sanity check unless told the image is a bare filesystem. */
const MTOOLS_ENV = { ...process.env, MTOOLS_SKIP_CHECK: '1' };

/**
 * Writes the instance's config drive to `path`: the OpenStack and EC2 metadata layouts, labelled `config-2`,
 * as an ISO 9660 image (Rock Ridge and Joliet, for an IDE or SCSI cdrom) or a 64 MiB vfat disk (for virtio-blk).
 * The file appears whole or not at all: it is built beside `path` and renamed into place, readable by its owner
 * only (it carries admin_pass).
 */
export async function writeConfigDrive(
  spec: InstanceSpec,
  path: string,
  format: 'iso9660' | 'vfat',
  signal: AbortSignal,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const staging = await mkdtemp(join(dirname(path), `.${basename(path)}-`));
  const image = `${path}.partial`;
  try {
    const files = join(staging, 'files');
    await stageFiles(spec, files);
    if (format === 'iso9660') await buildIso(files, image, signal);
    else await buildVfat(files, image, signal);
    await chmod(image, 0o600);
    await rename(image, path);
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(image, { force: true });
  }
}

async function stageFiles(spec: InstanceSpec, root: string): Promise<void> {
  for (const [relative, file] of filesOf(configDriveTree({ spec }))) {
    const target = join(root, relative);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, fileBody(file), { mode: 0o600 });
  }
}

function buildIso(files: string, image: string, signal: AbortSignal) {
  // -r (Rock Ridge, readable modes) and -J (Joliet) keep long lower-case names; -l allows 31-character ISO names.
  return run('genisoimage', ['-quiet', '-o', image, '-V', CONFIG_DRIVE_LABEL, '-r', '-J', '-l', files], { signal });
}

async function buildVfat(files: string, image: string, signal: AbortSignal) {
  await writeFile(image, '');
  await truncate(image, VFAT_SIZE_BYTES);
  await run('mkfs.vfat', ['-n', CONFIG_DRIVE_LABEL, image], { signal });
  // One recursive copy of the two top directories (a call per file would cost ~70 process starts).
  await run('mcopy', ['-s', '-i', image, join(files, 'ec2'), join(files, 'openstack'), '::/'], {
    signal,
    env: MTOOLS_ENV,
  });
}
