/**
 * Builds Strata's test guest image from Debian packages alone: Debian's cloud kernel plus an initramfs holding a
 * busybox + dropbear root filesystem whose /init configures the first NIC by DHCP, reads OpenStack metadata (config
 * drive, else 169.254.169.254), installs the SSH keys, runs a user_data script and prints a ready marker on the
 * serial console. The result is a self-booting qcow2 (MBR + FAT16 + syslinux) for Glance, and the kernel and
 * initramfs alone for direct kernel boot. See /work/shared/reference/guest-image.md for the measurements.
 *
 * Usage: `strata image build-test --out DIR`, or `node scripts/guest-image/build.ts DIR`.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, open, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeInitramfs } from './cpio.ts';
import { fetchKernel } from './kernel.ts';
import { guestRootfs, READY_MARKER } from './rootfs.ts';
import { runTool } from './run-tool.ts';

export { READY_MARKER };

/** Host tool → the Debian package that provides it. */
const TOOLS: Record<string, string> = {
  busybox: 'busybox-static',
  dropbear: 'dropbear-bin',
  dropbearkey: 'dropbear-bin',
  syslinux: 'syslinux',
  mcopy: 'mtools',
  'mkfs.fat': 'dosfstools',
  sfdisk: 'fdisk',
  'qemu-img': 'qemu-utils',
  'apt-get': 'apt',
  'dpkg-deb': 'dpkg',
  ldd: 'libc-bin',
};
const MBR = '/usr/lib/syslinux/mbr/mbr.bin';

export interface BuildOptions {
  outDir: string;
  /** Where the kernel package is downloaded and unpacked; reused by later builds (default `<outDir>/cache`). */
  cacheDir?: string;
  signal: AbortSignal;
  log?: (line: string) => void;
}

export interface BuiltImage {
  qcow2: string;
  vmlinuz: string;
  initramfs: string;
  kernelVersion: string;
  /** Bytes the qcow2 file takes, and the disk size the guest sees. */
  qcow2Bytes: number;
  virtualBytes: number;
  initramfsBytes: number;
}

/** The Debian packages still to install before `buildTestImage` can run (empty when everything is there). */
export async function missingPackages(signal: AbortSignal): Promise<string[]> {
  const missing = new Set<string>();
  for (const [tool, pkg] of Object.entries(TOOLS)) if (!(await onPath(tool, signal))) missing.add(pkg);
  if (!existsSync(MBR)) missing.add('syslinux-common');
  return [...missing];
}

export async function buildTestImage(opts: BuildOptions): Promise<BuiltImage> {
  const { signal } = opts;
  const log = opts.log ?? (() => {});
  const missing = await missingPackages(signal);
  if (missing.length > 0) throw new Error(`missing host packages; run: apt-get install ${missing.join(' ')}`);
  const outDir = resolve(opts.outDir);
  await mkdir(outDir, { recursive: true });
  const cacheDir = resolve(opts.cacheDir ?? join(outDir, 'cache'));
  await mkdir(cacheDir, { recursive: true });

  log('kernel: resolving and unpacking the cloud kernel package with apt');
  const kernel = await fetchKernel(cacheDir, signal);
  const vmlinuz = join(outDir, 'vmlinuz');
  await copyFile(kernel.vmlinuz, vmlinuz);

  log(`initramfs: busybox, dropbear and modules for ${kernel.version}`);
  const initramfs = join(outDir, 'initramfs.cpio.gz');
  await writeInitramfs(initramfs, await guestRootfs(kernel, signal), signal);

  log('disk: MBR + FAT16 + syslinux');
  const raw = join(outDir, 'strata-guest.raw');
  await writeBootDisk(raw, vmlinuz, initramfs, signal);
  const qcow2 = join(outDir, 'strata-guest.qcow2');
  await rm(qcow2, { force: true });
  await runTool('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, qcow2], { signal });
  await rm(raw, { force: true });

  const info = JSON.parse(await runTool('qemu-img', ['info', '--output=json', qcow2], { signal }));
  return {
    qcow2,
    vmlinuz,
    initramfs,
    kernelVersion: kernel.version,
    qcow2Bytes: (await stat(qcow2)).size,
    virtualBytes: info['virtual-size'],
    initramfsBytes: (await stat(initramfs)).size,
  };
}

const SYSLINUX_CFG = `SERIAL 0 115200
DEFAULT strata
PROMPT 0
TIMEOUT 0
LABEL strata
  LINUX /vmlinuz
  INITRD /initrd.gz
  APPEND console=tty0 console=ttyS0,115200n8 quiet panic=5
`;

/**
 * A disk SeaBIOS boots: syslinux's MBR code, one active FAT16 partition at 1 MiB holding syslinux, the kernel
 * and the initramfs. mtools and `--offset` write into the partition without mounting anything, so no loop
 * devices and no root are needed.
 */
async function writeBootDisk(raw: string, vmlinuz: string, initramfs: string, signal: AbortSignal): Promise<void> {
  const MiB = 1024 * 1024;
  const payload = (await stat(vmlinuz)).size + (await stat(initramfs)).size;
  // Room for the FATs, ldlinux and the config, rounded to whole MiB.
  const partMiB = Math.ceil(payload / MiB) + 2;
  await rm(raw, { force: true });
  await writeFile(raw, '');
  const fd = await open(raw, 'r+');
  try {
    await fd.truncate((partMiB + 1) * MiB);
  } finally {
    await fd.close();
  }
  await runTool('sfdisk', ['-q', '--label', 'dos', raw], { signal, input: 'start=2048, type=6, bootable\n' });
  await runTool('mkfs.fat', ['-F', '16', '-n', 'STRATA', '--offset', '2048', raw, String(partMiB * 1024)], {
    signal,
  });
  await runTool('syslinux', ['--install', '--offset', String(MiB), raw], { signal });
  await copyMbrCode(raw);
  const env = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
  const cfg = join(resolve(raw, '..'), 'syslinux.cfg');
  await writeFile(cfg, SYSLINUX_CFG);
  for (const [src, name] of [
    [vmlinuz, 'vmlinuz'],
    [initramfs, 'initrd.gz'],
    [cfg, 'syslinux.cfg'],
  ]) {
    await runTool('mcopy', ['-o', '-i', `${raw}@@${MiB}`, src, `::/${name}`], { signal, env });
  }
  await rm(cfg, { force: true });
}

/** The first 440 bytes of the MBR are boot code; the partition table after them must stay as sfdisk wrote it. */
async function copyMbrCode(raw: string): Promise<void> {
  const src = await open(MBR, 'r');
  const dst = await open(raw, 'r+');
  try {
    const code = Buffer.alloc(440);
    const { bytesRead } = await src.read(code, 0, 440, 0);
    await dst.write(code, 0, bytesRead, 0);
  } finally {
    await src.close();
    await dst.close();
  }
}

async function onPath(cmd: string, signal: AbortSignal): Promise<boolean> {
  const found = await runTool('sh', ['-c', 'command -v "$1" || true', 'which', cmd], { signal });
  return found.trim().length > 0;
}

if (import.meta.main) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node scripts/guest-image/build.ts OUTDIR');
    process.exit(2);
  }
  const built = await buildTestImage({ outDir, signal: AbortSignal.timeout(600_000), log: (l) => console.log(l) });
  console.log(JSON.stringify(built, null, 2));
}
