import { createHash } from 'node:crypto';
import { powerStateName } from '../../instance-state.ts';
import type { Diagnostics, InstanceStats, SnapshotData } from '../hypervisor.ts';
import type { FakeInstance } from './store.ts';

/** A made-up serial log: enough of a Linux boot that tests can find the hostname and every NIC's address. */
export function bootLog(i: FakeInstance): string[] {
  const lines = [
    '[    0.000000] Linux version 6.1.0-fake (strata@fake) #1 SMP',
    `[    0.000000] Command line: root=/dev/vda1 console=ttyS0 strata.instance=${i.uuid}`,
    `[    0.010000] Memory: ${i.flavor.memory_mb * 1024}K available`,
    `[    0.020000] smpboot: Allowing ${i.flavor.vcpus} CPUs`,
    `[    0.500000] virtio_blk virtio1: [vda] ${i.flavor.root_gb * 2097152} 512-byte logical blocks`,
    '[    1.000000] EXT4-fs (vda1): mounted filesystem with ordered data mode.',
    'Starting cloud-init...',
  ];
  i.spec.vifs.forEach((vif, n) => {
    const ips = vif.fixed_ips.map((f) => f.ip_address).join(' ');
    lines.push(`cloud-init: eth${n} ${vif.address} ${ips || 'no address'} (network ${vif.network.label})`);
  });
  if (i.rescued) lines.push('rescue mode: original root disk attached as /dev/vdb');
  lines.push(`${i.spec.hostname} login: `);
  return lines;
}

/**
 * The log, or its last `length` lines as Nova's _tail_log counts them: split on '\n', so the empty string after
 * the final newline is one of them (Tempest asks for 3 and counts `output.split('\n')`); 0 means all, as
 * Python's `lines[-0:]` does.
 */
export function consoleOutput(i: FakeInstance, length?: number): string {
  const log = `${bootLog(i).join('\n')}\n`;
  if (length === undefined || length <= 0) return log;
  const lines = log.split('\n');
  return lines.slice(Math.max(0, lines.length - length)).join('\n');
}

function uptime(i: FakeInstance): number {
  return i.power_state === 1 ? Math.floor((Date.now() - i.booted_at) / 1000) : 0;
}

export function stats(i: FakeInstance): InstanceStats {
  const t = uptime(i);
  return {
    cpu_time_ns: (t * 1000 + i.ops * 17) * 1000000,
    memory_used_mb: i.power_state === 1 ? Math.ceil(i.flavor.memory_mb / 2) : 0,
    disk_read_bytes: 262144 * (i.ops + 1),
    disk_write_bytes: 131072 * (i.ops + 1),
    nic_rx_bytes: 2048 * (i.ops + 1),
    nic_tx_bytes: 1024 * (i.ops + 1),
  };
}

/** Nova's standard diagnostics (microversion 2.48 form), shaped as its fake driver's. */
export function diagnostics(i: FakeInstance): Diagnostics {
  const s = stats(i);
  const disks = 1 + (i.flavor.ephemeral_gb > 0 ? 1 : 0) + (i.flavor.swap > 0 ? 1 : 0) + i.volumes.length;
  return {
    state: powerStateName(i.power_state),
    // Tempest's 2.48 schema only admits real drivers' names; Nova's fake driver answers as libvirt/kvm too.
    driver: 'libvirt',
    hypervisor: 'kvm',
    hypervisor_os: 'linux',
    uptime: uptime(i),
    config_drive: i.spec.injected.configDrive,
    num_cpus: i.flavor.vcpus,
    num_nics: i.spec.vifs.length,
    num_disks: disks,
    memory_details: { maximum: i.flavor.memory_mb, used: s.memory_used_mb },
    cpu_details: Array.from({ length: i.flavor.vcpus }, (_, id) => ({
      id,
      time: Math.floor(s.cpu_time_ns / i.flavor.vcpus),
      utilisation: null,
    })),
    nic_details: i.spec.vifs.map((v) => ({
      mac_address: v.address,
      rx_octets: s.nic_rx_bytes,
      rx_errors: 0,
      rx_drop: 0,
      rx_packets: Math.ceil(s.nic_rx_bytes / 512),
      rx_rate: null,
      tx_octets: s.nic_tx_bytes,
      tx_errors: 0,
      tx_drop: 0,
      tx_packets: Math.ceil(s.nic_tx_bytes / 512),
      tx_rate: null,
    })),
    disk_details: Array.from({ length: disks }, () => ({
      read_bytes: s.disk_read_bytes,
      read_requests: Math.ceil(s.disk_read_bytes / 4096),
      write_bytes: s.disk_write_bytes,
      write_requests: Math.ceil(s.disk_write_bytes / 4096),
      errors_count: 0,
    })),
  };
}

const SNAPSHOT_SIZE = 8192;
const CHUNK = 2048;

/**
 * A small qcow2-looking image: a real qcow2 v3 header (magic, version, cluster bits, the flavor's root disk as
 * virtual size) followed by bytes derived from the instance id, so the same instance always snapshots the same.
 */
export function snapshotBytes(i: FakeInstance): Uint8Array {
  const buf = Buffer.alloc(SNAPSHOT_SIZE);
  buf.write('QFI\xfb', 0, 'latin1');
  buf.writeUInt32BE(3, 4); // version
  buf.writeUInt32BE(16, 20); // cluster_bits: 64 KiB clusters
  buf.writeBigUInt64BE(BigInt(Math.max(1, i.flavor.root_gb)) * 1024n ** 3n, 24); // virtual size
  buf.writeUInt32BE(104, 100); // header_length (v3)
  let block = createHash('sha256').update(i.uuid).digest();
  for (let off = 512; off < SNAPSHOT_SIZE; off += block.length) {
    block.copy(buf, off);
    block = createHash('sha256').update(block).digest();
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function snapshotData(i: FakeInstance): SnapshotData {
  const bytes = snapshotBytes(i);
  async function* chunks(): AsyncIterable<Uint8Array> {
    for (let off = 0; off < bytes.length; off += CHUNK) yield bytes.slice(off, off + CHUNK);
  }
  return {
    disk_format: i.spec.image.disk_format || 'qcow2',
    container_format: i.spec.image.container_format || 'bare',
    size: bytes.length,
    stream: chunks(),
  };
}
