import { powerStateName } from '../../instance-state.ts';
import type { Diagnostics, InstanceStats } from '../hypervisor.ts';
import type { QemuHost } from './host-context.ts';
import { type InstanceRecord, tapName } from './instance-record.ts';
import { powerStateOf, qmpOf } from './lifecycle.ts';
import type { InstancePaths } from './paths.ts';
import { livePid, processUsage } from './process.ts';
import { tapCounters } from './taps.ts';

interface BlockStats {
  device: string;
  qdev?: string;
  stats: {
    rd_bytes: number;
    wr_bytes: number;
    rd_operations: number;
    wr_operations: number;
    failed_rd_operations?: number;
    failed_wr_operations?: number;
  };
}

interface Measured {
  power: number;
  cpuNs: number;
  rssBytes: number;
  blocks: BlockStats[];
  nics: { mac: string; rx: number; tx: number }[];
}

async function measure(h: QemuHost, paths: InstancePaths, record: InstanceRecord): Promise<Measured> {
  const power = await powerStateOf(h, paths, record);
  const pid = await livePid(paths, record.uuid);
  const usage = pid ? await processUsage(pid) : undefined;
  const client = pid ? await qmpOf(h, paths, record.uuid).catch(() => undefined) : undefined;
  const blocks = client ? await client.execute<BlockStats[]>('query-blockstats').catch(() => []) : [];
  const nics = await Promise.all(
    record.spec.vifs.map(async (v) => {
      const c = pid ? await tapCounters(h.ns, tapName(v)) : undefined;
      return { mac: v.address, rx: c?.rx ?? 0, tx: c?.tx ?? 0 };
    }),
  );
  return { power, cpuNs: usage?.cpuNs ?? 0, rssBytes: usage?.rssBytes ?? 0, blocks, nics };
}

export async function instanceStats(h: QemuHost, paths: InstancePaths, record: InstanceRecord): Promise<InstanceStats> {
  const m = await measure(h, paths, record);
  const sum = (f: (b: BlockStats) => number) => m.blocks.reduce((n, b) => n + f(b), 0);
  return {
    cpu_time_ns: m.cpuNs,
    memory_used_mb: Math.ceil(m.rssBytes / 1024 ** 2),
    disk_read_bytes: sum((b) => b.stats.rd_bytes),
    disk_write_bytes: sum((b) => b.stats.wr_bytes),
    nic_rx_bytes: m.nics.reduce((n, x) => n + x.rx, 0),
    nic_tx_bytes: m.nics.reduce((n, x) => n + x.tx, 0),
  };
}

/** Nova's 2.48 diagnostics; the driver names are libvirt's because Tempest's schema admits only those. */
export async function instanceDiagnostics(
  h: QemuHost,
  paths: InstancePaths,
  record: InstanceRecord,
): Promise<Diagnostics> {
  const m = await measure(h, paths, record);
  const vcpus = Math.max(1, record.spec.flavor.vcpus);
  const running = m.power === 1 || m.power === 3 || m.power === 7;
  return {
    state: powerStateName(m.power),
    driver: 'libvirt',
    hypervisor: h.accel === 'kvm' ? 'kvm' : 'qemu',
    hypervisor_os: 'linux',
    uptime: running && record.started_at ? Math.floor((Date.now() - record.started_at) / 1000) : 0,
    config_drive: !!record.config_drive,
    num_cpus: vcpus,
    num_nics: record.spec.vifs.length,
    num_disks: m.blocks.filter((b) => b.qdev || b.device).length,
    memory_details: { maximum: record.spec.flavor.memory_mb, used: Math.ceil(m.rssBytes / 1024 ** 2) },
    // QEMU runs all vCPUs in one process here; the per-vCPU split is an even share of its CPU time.
    cpu_details: Array.from({ length: vcpus }, (_, id) => ({
      id,
      time: Math.floor(m.cpuNs / vcpus),
      utilisation: null,
    })),
    nic_details: m.nics.map((n) => ({
      mac_address: n.mac,
      rx_octets: n.rx,
      rx_errors: 0,
      rx_drop: 0,
      rx_packets: 0,
      rx_rate: null,
      tx_octets: n.tx,
      tx_errors: 0,
      tx_drop: 0,
      tx_packets: 0,
      tx_rate: null,
    })),
    disk_details: m.blocks.map((b) => ({
      read_bytes: b.stats.rd_bytes,
      read_requests: b.stats.rd_operations,
      write_bytes: b.stats.wr_bytes,
      write_requests: b.stats.wr_operations,
      errors_count: (b.stats.failed_rd_operations ?? 0) + (b.stats.failed_wr_operations ?? 0),
    })),
  };
}

/** Nova's _tail_log: the last `length` lines split on '\n' (0 or none: all of it). */
export function tailLog(log: string, length?: number): string {
  if (length === undefined || length <= 0) return log;
  const lines = log.split('\n');
  return lines.slice(Math.max(0, lines.length - length)).join('\n');
}
