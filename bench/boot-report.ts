import type { MemoryFigures } from './boot.ts';
import type { BootTiming } from './boot-strata.ts';
import type { MachineFacts } from './machine.ts';
import { fmt, formatTable } from './table.ts';

export interface BootSet {
  kind: 'bare' | 'strata-configdrive' | 'strata-service';
  n: number;
  timings: BootTiming[];
}

export interface BootReport {
  machine: MachineFacts;
  loadAverageAfter: number;
  accel: 'kvm' | 'tcg';
  accelReason: string;
  flavor: { name: string; ram: number; vcpus: number; disk: number };
  imageBytes: number;
  sets: BootSet[];
  memory?: MemoryFigures;
}

const LABEL: Record<BootSet['kind'], string> = {
  bare: 'bare qemu-system-x86_64',
  'strata-configdrive': 'strata, config drive',
  'strata-service': 'strata, metadata service',
};

/** Issue 6's targets, printed beside the figures (never a failure: a slow machine is not a broken bench). */
const TARGET_OVERHEAD_PCT = 20;
const TARGET_MIB_PER_INSTANCE = 5;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

export function renderBootReport(r: BootReport): string {
  const m = r.machine;
  const bare = (n: number) =>
    median(r.sets.find((s) => s.kind === 'bare' && s.n === n)?.timings.map((t) => t.readyMs) ?? []);
  const rows = r.sets.map((s) => {
    const ready = s.timings.map((t) => t.readyMs);
    const base = bare(s.n);
    const over = s.kind === 'bare' ? '' : `${fmt(((median(ready) - base) / base) * 100)}%`;
    return [
      LABEL[s.kind],
      String(s.n),
      fmt(median(ready) / 1000),
      fmt(Math.min(...ready) / 1000),
      fmt(Math.max(...ready) / 1000),
      fmt(Math.max(...s.timings.map((t) => t.offsetMs + t.readyMs)) / 1000),
      s.kind === 'bare' ? '' : fmt(median(s.timings.map((t) => t.acceptMs))),
      over,
    ];
  });
  const lines = [
    `Boot to STRATA-GUEST-READY, ${r.accel.toUpperCase()} (${r.accelReason}); flavor ${r.flavor.ram} MB, ${r.flavor.vcpus} vCPU; image strata-guest ${fmt(r.imageBytes / 2 ** 20)} MiB`,
    `machine: ${m.cores} cores, ${m.cpu}, ${m.memoryMiB} MiB, node ${m.node}, load ${fmt(m.loadAverage)} before / ${fmt(r.loadAverageAfter)} after`,
    '',
    formatTable(
      ['boot', 'n at once', 'median s', 'min s', 'max s', 'all ready s', 'create 202 ms', 'overhead vs bare (median)'],
      rows,
    ),
    '',
    "Strata is timed from the create's 202 to the marker in the instance's console.log; bare from before its overlay",
    'and config drive are made. Same for both: pc machine, accel and CPU model, flavor RAM and vCPUs, VGA, virtio-rng,',
    'qcow2 overlay on virtio, iso9660 config-2 drive on IDE with the same key (strata "config drive" rows). Differs:',
    'scheduling, the image cache and the overlay made by the driver, a tap on a Linux bridge with DHCP from dnsmasq',
    "(bare: QEMU's user-mode network and its DHCP), QMP and the paused start until the tap is plugged; the",
    '"metadata service" rows fetch meta_data.json over HTTP from 169.254.169.254 instead of reading the drive.',
    'With n > 1 the bare guests all start at the same instant while Strata starts its builds one after another, so',
    'per-boot times favour Strata there: compare "all ready s" (first create or spawn to the last marker) too.',
  ];
  const cd = r.sets.filter((s) => s.kind === 'strata-configdrive');
  for (const s of cd) {
    const pct = ((median(s.timings.map((t) => t.readyMs)) - bare(s.n)) / bare(s.n)) * 100;
    lines.push(`target: overhead per boot < ${TARGET_OVERHEAD_PCT}% (n=${s.n}, config drive): ${fmt(pct)}%`);
  }
  const mem = r.memory;
  if (mem) {
    const beyond = mem.strataPerInstanceMiB + mem.helperPerInstanceMiB;
    lines.push(
      `target: memory per instance beyond QEMU < ${TARGET_MIB_PER_INSTANCE} MB (n=${mem.n}): ${fmt(beyond)} MiB` +
        ` = Strata RSS ${fmt(mem.strataBeforeMiB)} -> ${fmt(mem.strataAfterMiB)} MiB (${fmt(mem.strataPerInstanceMiB)} per instance)` +
        ` + helper processes ${mem.helpersBefore} -> ${mem.helpersAfter} (${fmt(mem.helperPerInstanceMiB)} MiB per instance)`,
      `QEMU RSS per instance (for scale, not counted above): median ${fmt(median(mem.qemuRssMiB))} MiB`,
    );
    for (const c of mem.helperCommands) lines.push(`  new helper: ${c}`);
  }
  return lines.join('\n');
}
