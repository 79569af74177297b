import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** A Unix socket path longer than this does not fit in sockaddr_un (108 bytes with the NUL). */
const SUN_PATH_MAX = 107;

/** Where one instance's files live; sockets move to a short directory when the data path is too deep for them. */
export interface InstancePaths {
  dir: string;
  record: string;
  pidfile: string;
  consoleLog: string;
  root: string;
  ephemeral: string;
  swap: string;
  rescue: string;
  kernel: string;
  ramdisk: string;
  configDrive(format: 'iso9660' | 'vfat'): string;
  qmpSocket: string;
  serialSocket: string;
  vncSocket: string;
  /** The incoming migration socket of a live migration to this instance dir. */
  migrateSocket: string;
  /** A suspended guest's memory and device state (QEMU's migration stream), and the socket it flows through. */
  savedState: string;
  saveSocket: string;
}

export function hostDir(dataDir: string, host: string): string {
  return join(dataDir, 'compute', host);
}

export function instancesDir(dataDir: string, host: string): string {
  return join(hostDir(dataDir, host), 'instances');
}

export function imagesDir(dataDir: string, host: string): string {
  return join(hostDir(dataDir, host), 'images');
}

/** The copy a cold resize keeps on its source until it is confirmed or reverted. */
export const RESIZE_SUFFIX = '_resize';

export function instancePaths(dir: string): InstancePaths {
  const longest = join(dir, 'migrate.sock');
  // A deep data directory would make every socket unusable; a per-directory short path keeps them unique.
  const sockDir =
    longest.length <= SUN_PATH_MAX
      ? dir
      : join('/tmp', `strata-qemu-${createHash('sha256').update(dir).digest('hex').slice(0, 16)}`);
  return {
    dir,
    record: join(dir, 'instance.json'),
    pidfile: join(dir, 'qemu.pid'),
    consoleLog: join(dir, 'console.log'),
    root: join(dir, 'disk.qcow2'),
    ephemeral: join(dir, 'disk.eph0'),
    swap: join(dir, 'disk.swap'),
    rescue: join(dir, 'disk.rescue'),
    kernel: join(dir, 'kernel'),
    ramdisk: join(dir, 'ramdisk'),
    configDrive: (format) => join(dir, format === 'vfat' ? 'config.vfat' : 'config.iso'),
    qmpSocket: join(sockDir, 'qmp.sock'),
    serialSocket: join(sockDir, 'serial.sock'),
    vncSocket: join(sockDir, 'vnc.sock'),
    migrateSocket: join(sockDir, 'migrate.sock'),
    savedState: join(dir, 'memory.state'),
    saveSocket: join(sockDir, 'save.sock'),
  };
}
