import type { QemuConfig } from '../../../core/config.ts';
import type { InstanceSpec } from '../hypervisor.ts';
import type { ImageCache } from './images.ts';
import { type InstancePaths, instancePaths, instancesDir } from './paths.ts';
import type { QmpClient } from './qmp.ts';

export interface DriverLog {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export type ConfigDriveWriter = (
  spec: InstanceSpec,
  path: string,
  format: 'iso9660' | 'vfat',
  signal: AbortSignal,
) => Promise<void>;

/** What every qemu driver operation on one host shares. */
export interface QemuHost {
  dataDir: string;
  host: string;
  /** The host namespace QEMU runs in. */
  ns: string;
  qemu: QemuConfig;
  accel: 'kvm' | 'tcg';
  forceConfigDrive: boolean;
  images: ImageCache;
  /** One QMP connection per running instance (QEMU serves one client at a time). */
  qmp: Map<string, QmpClient>;
  /** Connections being opened: a second caller waits for the same one (QEMU would not greet it). */
  connecting: Map<string, Promise<QmpClient>>;
  log: DriverLog;
  writeConfigDrive: ConfigDriveWriter;
  /** How long spawn waits for the dataplane to plug the taps before it lets the guest run anyway. */
  plugTimeoutMs: number;
}

export function pathsOf(h: Pick<QemuHost, 'dataDir' | 'host'>, uuid: string, suffix = ''): InstancePaths {
  return instancePaths(`${instancesDir(h.dataDir, h.host)}/${uuid}${suffix}`);
}

export class InstanceNotFound extends Error {
  constructor(uuid: string, host: string) {
    super(`Instance ${uuid} could not be found on qemu host ${host}.`);
    this.name = 'InstanceNotFound';
  }
}

export class InstanceNotRunning extends Error {
  constructor(uuid: string, host: string, what: string) {
    super(`Instance ${uuid} on ${host} has no running QEMU process (${what} needs one).`);
    this.name = 'InstanceNotRunning';
  }
}
