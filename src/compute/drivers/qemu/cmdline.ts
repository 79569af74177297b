import type { Vif } from '../hypervisor.ts';
import type { InstanceRecord } from './instance-record.ts';
import { tapName } from './instance-record.ts';
import type { InstancePaths } from './paths.ts';

/** What the command line needs besides the instance record. */
export interface LaunchOptions {
  accel: 'kvm' | 'tcg';
  /** Which disks exist (ephemeral and swap only when the flavor has them and they were created). */
  disks: { ephemeral: boolean; swap: boolean };
  /** A live migration's destination: wait for the state on this Unix socket instead of booting. */
  incoming?: string;
}

/** QEMU's option values separate keys with ',' and escape a literal one by doubling it. */
export function optValue(s: string): string {
  return s.replaceAll(',', ',,');
}

const drive = (file: string, extra: string) => `file=${optValue(file)},${extra}`;

/** Ids derive from the port, not the NIC's position, so a hot-unplug finds its device after other changes. */
export function nicId(vif: Pick<Vif, 'id'>): string {
  return `nic-${vif.id.slice(0, 11)}`;
}

export function netdevId(vif: Pick<Vif, 'id'>): string {
  return `net-${vif.id.slice(0, 11)}`;
}

export function nicArgs(vif: Vif): string[] {
  return [
    '-netdev',
    `tap,id=${netdevId(vif)},ifname=${tapName(vif)},script=no,downscript=no`,
    '-device',
    `virtio-net-pci,netdev=${netdevId(vif)},mac=${vif.address},id=${nicId(vif)}`,
  ];
}

/**
 * The qemu-system-x86_64 arguments of one instance (without `ip netns exec`). The guest starts paused (`-S`):
 * the driver lets it run once its taps are plugged, so DHCP does not race the dataplane. The `pc` machine because
 * the guest kernel has no AHCI driver (an iso9660 config drive must sit on IDE).
 */
export function buildQemuArgs(record: InstanceRecord, paths: InstancePaths, opts: LaunchOptions): string[] {
  const { spec } = record;
  const flavor = spec.flavor;
  const memory = flavor.memory_mb > 0 ? flavor.memory_mb : 512;
  const vcpus = flavor.vcpus > 0 ? flavor.vcpus : 1;
  const args = [
    '-name',
    `strata-${record.uuid},debug-threads=on`,
    '-uuid',
    record.uuid,
    '-no-user-config',
    '-nodefaults',
    '-machine',
    'pc',
    '-accel',
    opts.accel,
    '-cpu',
    opts.accel === 'kvm' ? 'host' : 'max',
    '-m',
    String(memory),
    '-smp',
    String(vcpus),
    '-display',
    'none',
    '-device',
    'VGA',
    '-vnc',
    `unix:${optValue(paths.vncSocket)}`,
    '-chardev',
    `socket,id=serial0,path=${optValue(paths.serialSocket)},server=on,wait=off,logfile=${optValue(paths.consoleLog)},logappend=on`,
    '-serial',
    'chardev:serial0',
    '-qmp',
    `unix:${optValue(paths.qmpSocket)},server=on,wait=off`,
    '-device',
    'virtio-rng-pci',
  ];
  if (record.rescue) args.push('-drive', drive(paths.rescue, 'if=virtio,format=qcow2'));
  args.push('-drive', drive(paths.root, 'if=virtio,format=qcow2'));
  if (opts.disks.ephemeral) args.push('-drive', drive(paths.ephemeral, 'if=virtio,format=qcow2'));
  if (opts.disks.swap) args.push('-drive', drive(paths.swap, 'if=virtio,format=qcow2'));
  if (record.config_drive === 'iso9660')
    args.push('-drive', drive(paths.configDrive('iso9660'), 'media=cdrom,if=ide,readonly=on'));
  if (record.config_drive === 'vfat')
    args.push('-drive', drive(paths.configDrive('vfat'), 'if=virtio,format=raw,readonly=on'));
  // A rescue boots the rescue image's own bootloader; direct boot would start the instance's kernel instead.
  if (record.direct_boot?.kernel && !record.rescue) {
    args.push('-kernel', paths.kernel, '-append', record.direct_boot.cmdline);
    if (record.direct_boot.ramdisk) args.push('-initrd', paths.ramdisk);
  }
  for (const vif of spec.vifs) args.push(...nicArgs(vif));
  if (opts.incoming) args.push('-incoming', `unix:${opts.incoming}`);
  args.push('-pidfile', paths.pidfile, '-daemonize', '-S');
  return args;
}
