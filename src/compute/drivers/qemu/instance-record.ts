import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { FlavorSpec, ImageSpec, InstanceSpec, Vif } from '../hypervisor.ts';

/**
 * `instance.json` in the instance directory: what spawn was given and what has changed since, so a driver
 * started after a restart knows the flavor, the NICs and how to start the guest again.
 */
export interface InstanceRecord {
  version: 1;
  uuid: string;
  host: string;
  spec: InstanceSpec;
  /** Image format of the root disk's backing file (qcow2 or raw). */
  backing_format: string;
  /** Direct kernel boot: the files in the instance dir and the command line. */
  direct_boot?: { kernel: boolean; ramdisk: boolean; cmdline: string };
  config_drive?: 'iso9660' | 'vfat';
  /** Set while rescued: the rescue image boots first, the instance's own disk is the second. */
  rescue?: { image: ImageSpec };
  /** QMP `stop` stands in for a managed save: the guest keeps its memory in the paused process. */
  suspended?: boolean;
  /** Set on the copy a resize keeps for a revert: the flavor it goes back to. */
  old_flavor?: FlavorSpec;
  /** Epoch ms of the last start (diagnostics' uptime). */
  started_at?: number;
}

export async function readRecord(path: string): Promise<InstanceRecord | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as InstanceRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** Written to a temp file and renamed, so a crash never leaves half a record. */
export async function writeRecord(path: string, record: InstanceRecord): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify(record, null, 1));
  await rename(tmp, path);
}

/** The tap of a port, as the shared naming contract spells it. */
export function tapName(vif: Pick<Vif, 'id'>): string {
  return `tap${vif.id.slice(0, 11)}`;
}
