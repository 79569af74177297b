import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat, statfs } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import type { QemuConfig } from '../../../core/config.ts';
import { ensureNamespace, hostNamespace } from '../../../core/host/netns.ts';
import { writeConfigDrive } from '../../metadata/config-drive.ts';
import type { DriverInstance, HostResources, HypervisorDriver, InstanceSpec } from '../hypervisor.ts';
import { type AccelChoice, chooseAccel } from './accel.ts';
import { instanceDiagnostics, instanceStats, tailLog } from './diagnostics.ts';
import { createConfigDrive, createFlavorDisks, createRootDisk } from './disks.ts';
import { type ConfigDriveWriter, type DriverLog, InstanceNotFound, pathsOf, type QemuHost } from './host-context.ts';
import { createImageCache, createOverlay, GiB } from './images.ts';
import { type InstanceRecord, readRecord, writeRecord } from './instance-record.ts';
import { attachInterface, detachInterface } from './interfaces.ts';
import {
  hasSavedState,
  loadRecord,
  powerStateOf,
  qmpOf,
  requireQmp,
  startInstance,
  stopInstance,
} from './lifecycle.ts';
import { restoreInstance, saveInstance } from './managed-save.ts';
import * as moves from './moves.ts';
import { imagesDir, instancesDir, RESIZE_SUFFIX } from './paths.ts';
import { killQemu, livePid, qemuProcessesUnder } from './process.ts';
import { snapshotRoot } from './snapshot.ts';

export interface QemuDriverOptions {
  dataDir: string;
  host: string;
  qemu: QemuConfig;
  forceConfigDrive: boolean;
  log?: DriverLog;
  /** Defaults to src/compute/metadata/config-drive.ts. */
  writeConfigDrive?: ConfigDriveWriter;
  /** Milliseconds spawn waits for the dataplane to plug the taps (30 s). */
  plugTimeoutMs?: number;
  /** Decided by the caller (tests); otherwise from compute.qemu.accel and the machine. */
  accel?: AccelChoice;
}

export const QEMU_TRAITS = [
  'COMPUTE_NODE',
  'COMPUTE_ARCH_X86_64',
  'COMPUTE_FIRMWARE_BIOS',
  'COMPUTE_NET_ATTACH_INTERFACE',
  'COMPUTE_NET_VIF_MODEL_VIRTIO',
  'COMPUTE_IMAGE_TYPE_QCOW2',
  'COMPUTE_IMAGE_TYPE_RAW',
  'COMPUTE_IMAGE_TYPE_AKI',
  'COMPUTE_IMAGE_TYPE_ARI',
  'COMPUTE_IMAGE_TYPE_AMI',
  'COMPUTE_STORAGE_BUS_VIRTIO',
  'COMPUTE_STORAGE_BUS_IDE',
  'COMPUTE_GRAPHICS_MODEL_VGA',
  'COMPUTE_SAME_HOST_COLD_MIGRATE',
];

/** `<uuid>` or `<uuid>_resize`: anything else in the directory is not an instance. */
const INSTANCE_DIR = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(_resize)?$/i;

const stderrLog: DriverLog = {
  info: () => {},
  warn: (obj, msg) => console.warn(msg, JSON.stringify(obj)),
};

/** `qemu-system-x86_64 --version` as Nova's number (7.2.0 → 7002000) and text ('7.2'). */
function qemuVersion(binary: string): { number: number; text: string } {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 5000 });
    const m = /version (\d+)\.(\d+)(?:\.(\d+))?/.exec(out);
    if (m) return { number: +m[1] * 1e6 + +m[2] * 1e3 + +(m[3] ?? 0), text: `${m[1]}.${m[2]}` };
  } catch {}
  return { number: 0, text: '?' };
}

/**
 * The qemu driver: one qemu-system-x86_64 per instance, run inside the host namespace and driven over QMP, its
 * files in `<dataDir>/compute/<host>/instances/<uuid>/`. Guests outlive the driver: close() only hangs up, and
 * init() finds the running ones again from their pidfiles.
 */
export function createQemuDriver(o: QemuDriverOptions): HypervisorDriver {
  const accel = o.accel ?? chooseAccel(o.qemu.accel);
  let version: { number: number; text: string } | undefined;
  const versionOf = () => {
    version ??= qemuVersion(o.qemu.binary);
    return version;
  };
  const h: QemuHost = {
    dataDir: o.dataDir,
    host: o.host,
    ns: hostNamespace(o.host),
    qemu: o.qemu,
    accel: accel.accel,
    forceConfigDrive: o.forceConfigDrive,
    images: createImageCache(imagesDir(o.dataDir, o.host)),
    qmp: new Map(),
    connecting: new Map(),
    log: o.log ?? stderrLog,
    writeConfigDrive: o.writeConfigDrive ?? writeConfigDrive,
    plugTimeoutMs: o.plugTimeoutMs ?? 30000,
  };
  const paths = (uuid: string) => pathsOf(h, uuid);
  const record = (uuid: string) => loadRecord(h, paths(uuid), uuid);
  const stop = (uuid: string, graceful: boolean, signal?: AbortSignal, timeoutS?: number) =>
    stopInstance(h, paths(uuid), uuid, { graceful, signal, timeoutS });
  const start = (r: InstanceRecord, signal: AbortSignal) => startInstance(h, paths(r.uuid), r, signal);

  /** Every record under this host's instances directory, with whether it is a resize's kept copy. */
  async function records(): Promise<{ record: InstanceRecord; kept: boolean }[]> {
    const names = await readdir(instancesDir(h.dataDir, h.host)).catch(() => [] as string[]);
    const out: { record: InstanceRecord; kept: boolean }[] = [];
    for (const name of names) {
      if (!INSTANCE_DIR.test(name)) continue;
      const kept = name.endsWith(RESIZE_SUFFIX);
      const uuid = kept ? name.slice(0, -RESIZE_SUFFIX.length) : name;
      // A resize on one host has both directories: the instance is the live one.
      if (kept && names.includes(uuid)) continue;
      const r = await readRecord(pathsOf(h, uuid, kept ? RESIZE_SUFFIX : '').record);
      if (r) out.push({ record: r, kept });
      else if (!kept) out.push({ record: orphanRecord(uuid), kept });
    }
    return out;
  }

  /** A directory without a readable record (a spawn that died early) is still listed, so reconcile removes it. */
  function orphanRecord(uuid: string): InstanceRecord {
    const flavor = { name: '', vcpus: 0, memory_mb: 0, root_gb: 0, ephemeral_gb: 0, swap: 0, extra_specs: {} };
    const spec: InstanceSpec = {
      uuid,
      name: '',
      hostname: '',
      flavor,
      image: { id: '', properties: {} },
      vifs: [],
      injected: { metadata: {}, configDrive: false },
    };
    return { version: 1, uuid, host: h.host, spec, backing_format: '' };
  }

  /** Stops the guest, lets `change` rework its disks and record, and starts it again when it should run. */
  async function restartWith(uuid: string, signal: AbortSignal, change: (r: InstanceRecord) => Promise<boolean>) {
    const r = await record(uuid);
    await stop(uuid, false);
    if (await change(r)) await start(r, signal);
    else await writeRecord(paths(uuid).record, r);
  }

  return {
    name: 'qemu',

    async init(host, opts) {
      if (host && host !== h.host) {
        h.host = host;
        h.ns = hostNamespace(host);
        h.images = createImageCache(imagesDir(h.dataDir, host));
      }
      await mkdir(instancesDir(h.dataDir, h.host), { recursive: true });
      await ensureNamespace(h.ns);
      versionOf();
      // A QEMU whose directory is gone has nothing to come back to and nothing the database can match: end it.
      for (const stray of await qemuProcessesUnder(instancesDir(h.dataDir, h.host))) {
        if (await stat(stray.pidfile).catch(() => undefined)) continue;
        h.log.warn(
          { host: h.host, uuid: stray.uuid, pid: stray.pid },
          'qemu driver: killing a QEMU without a directory',
        );
        await killQemu(stray.pid, stray.uuid);
      }
      for (const { record: r, kept } of await records()) {
        opts.signal.throwIfAborted();
        if (kept) continue;
        await qmpOf(h, paths(r.uuid), r.uuid).catch((err) =>
          h.log.warn({ host: h.host, uuid: r.uuid, err: String(err) }, 'qemu driver: cannot reach a running guest'),
        );
      }
    },

    async close() {
      for (const client of h.qmp.values()) client.close();
      h.qmp.clear();
    },

    describe: () => `qemu ${versionOf().text} with ${accel.accel.toUpperCase()} (${accel.reason})`,

    capabilities: () => [...QEMU_TRAITS],

    async resources(): Promise<HostResources> {
      const all = await records();
      const sum = (f: (r: InstanceRecord) => number) => all.reduce((n, x) => n + f(x.record), 0);
      const fs = await statfs(h.dataDir).catch(() => undefined);
      const localGb = fs ? Math.floor((fs.blocks * fs.bsize) / GiB) : 0;
      const diskUsed = sum(
        (r) => r.spec.flavor.root_gb + r.spec.flavor.ephemeral_gb + Math.ceil(r.spec.flavor.swap / 1024),
      );
      const cpuList = cpus();
      return {
        vcpus: cpuList.length,
        memory_mb: Math.floor(totalmem() / 1024 ** 2),
        local_gb: localGb,
        vcpus_used: sum((r) => r.spec.flavor.vcpus),
        memory_mb_used: sum((r) => r.spec.flavor.memory_mb),
        local_gb_used: diskUsed,
        hypervisor_type: accel.accel === 'kvm' ? 'KVM' : 'QEMU',
        hypervisor_version: versionOf().number,
        hypervisor_hostname: h.host,
        host_ip: '127.0.0.1',
        cpu_info: {
          arch: 'x86_64',
          model: cpuList[0]?.model ?? 'unknown',
          vendor: /AMD/i.test(cpuList[0]?.model ?? '') ? 'AMD' : 'Intel',
          topology: { sockets: 1, cores: cpuList.length, threads: 1 },
          features: [],
        },
        disk_available_least: fs ? Math.floor((fs.bavail * fs.bsize) / GiB) : null,
      };
    },

    async listInstances(): Promise<DriverInstance[]> {
      const out: DriverInstance[] = [];
      for (const { record: r, kept } of await records()) {
        if (kept) {
          out.push({ uuid: r.uuid, power_state: 4, flavor: r.old_flavor ?? r.spec.flavor, kept_for_revert: true });
          continue;
        }
        out.push({ uuid: r.uuid, power_state: await powerStateOf(h, paths(r.uuid), r), flavor: r.spec.flavor });
      }
      return out;
    },

    async spawn(spec, opts) {
      await ensureNamespace(h.ns);
      const p = paths(spec.uuid);
      await mkdir(p.dir, { recursive: true });
      const r: InstanceRecord = { version: 1, uuid: spec.uuid, host: h.host, spec, backing_format: '' };
      await writeRecord(p.record, r);
      await createRootDisk(h, r, p, opts.signal);
      await createFlavorDisks(spec, p, opts.signal);
      await createConfigDrive(h, r, p, opts.signal);
      await writeRecord(p.record, r);
      if (spec.powerOn !== false) await start(r, opts.signal);
    },

    async destroy(uuid, opts) {
      const p = paths(uuid);
      await stop(uuid, false);
      if (opts.keepDisks) return;
      await rm(p.dir, { recursive: true, force: true });
      if (!p.qmpSocket.startsWith(p.dir))
        await rm(p.qmpSocket.slice(0, p.qmpSocket.lastIndexOf('/')), { recursive: true, force: true });
    },

    async reboot(uuid, type, opts) {
      const r = await record(uuid);
      if (type === 'HARD') {
        const client = await qmpOf(h, paths(uuid), uuid);
        if (client) {
          await client.execute('system_reset');
          const status = await client.execute<{ status: string }>('query-status');
          if (status.status !== 'running') await client.execute('cont');
          return;
        }
        await start(r, opts.signal);
        return;
      }
      // SOFT: the ACPI power button (the guest shuts down and QEMU exits), then a fresh start on the same disks.
      await stop(uuid, true, opts.signal);
      await start(r, opts.signal);
    },

    async powerOff(uuid, opts) {
      await record(uuid);
      await stop(uuid, true, opts.signal, opts.timeoutS);
      // Stopping a suspended guest discards its saved state, as Nova's managed save removal does.
      await rm(paths(uuid).savedState, { force: true });
    },

    async powerOn(uuid, opts) {
      const r = await record(uuid);
      const client = await qmpOf(h, paths(uuid), uuid);
      if (client) {
        const status = await client.execute<{ status: string }>('query-status');
        if (status.status !== 'running') await client.execute('cont');
        return;
      }
      await start(r, opts.signal);
    },

    async pause(uuid) {
      await (await requireQmp(h, paths(uuid), uuid, 'pause')).execute('stop');
    },

    async unpause(uuid) {
      await (await requireQmp(h, paths(uuid), uuid, 'unpause')).execute('cont');
    },

    // Nova's libvirt suspend is a managed save: the state goes to memory.state and the process ends.
    async suspend(uuid, opts) {
      await saveInstance(h, paths(uuid), await record(uuid), opts.signal);
    },

    async resume(uuid, opts) {
      const r = await record(uuid);
      const p = paths(uuid);
      const client = await qmpOf(h, p, uuid);
      if (client) {
        // Suspended by an earlier driver that only paused the guest.
        await client.execute('cont');
        r.suspended = false;
        await writeRecord(p.record, r);
      } else if (await hasSavedState(p)) await restoreInstance(h, p, r, opts.signal);
      else await start(r, opts.signal);
    },

    rescue: (uuid, rescue, opts) =>
      restartWith(uuid, opts.signal, async (r) => {
        const image = await h.images.ensure(rescue.image, opts.signal);
        await createOverlay(image, paths(uuid).rescue, 0, opts.signal);
        r.rescue = { image: rescue.image };
        return true;
      }),

    unrescue: (uuid, opts) =>
      restartWith(uuid, opts.signal, async (r) => {
        await rm(paths(uuid).rescue, { force: true });
        delete r.rescue;
        return true;
      }),

    rebuild: (spec, opts) =>
      restartWith(spec.uuid, opts.signal, async (r) => {
        const p = paths(spec.uuid);
        r.spec = { ...spec, vifs: spec.vifs.length > 0 ? spec.vifs : r.spec.vifs };
        delete r.rescue;
        await rm(p.rescue, { force: true });
        await createRootDisk(h, r, p, opts.signal);
        await createFlavorDisks(r.spec, p, opts.signal);
        await createConfigDrive(h, r, p, opts.signal);
        return spec.powerOn !== false;
      }),

    async snapshot(uuid, opts) {
      await record(uuid);
      return snapshotRoot(h, paths(uuid), uuid, opts.signal);
    },

    migrateDiskAndPowerOff: (uuid, flavor, opts) => moves.migrateDiskAndPowerOff(h, uuid, flavor, opts.signal),
    finishMigration: (spec, opts) => moves.finishMigration(h, spec, opts.powerOn, opts.signal),
    finishRevertMigration: (spec, opts) => moves.finishRevertMigration(h, spec, opts.powerOn, opts.signal),
    confirmMigration: (uuid) => moves.confirmMigration(h, uuid),
    liveMigrate: (uuid, destHost, opts) => moves.liveMigrate(h, uuid, destHost, opts.signal),

    attachInterface: (uuid, vif) => attachInterface(h, paths(uuid), uuid, vif),
    detachInterface: (uuid, vif) => detachInterface(h, paths(uuid), uuid, vif),

    async attachVolume(uuid) {
      throw new Error(`cannot attach a volume to ${uuid}: Strata has no block storage service`);
    },
    async detachVolume(uuid) {
      throw new Error(`cannot detach a volume from ${uuid}: Strata has no block storage service`);
    },

    async consoleOutput(uuid, length) {
      await record(uuid);
      const log = await readFile(paths(uuid).consoleLog, 'utf8').catch(() => '');
      return tailLog(log, length);
    },

    async remoteConsole(uuid, kind) {
      await record(uuid);
      const p = paths(uuid);
      if (kind === 'serial')
        return { protocol: 'serial', host: '127.0.0.1', port: 0, internal: { socket: p.serialSocket } };
      if (kind === 'vnc') return { protocol: 'vnc', host: '127.0.0.1', port: 0, internal: { socket: p.vncSocket } };
      throw new Error(`the qemu driver offers serial and vnc consoles, not ${kind}`);
    },

    diagnostics: async (uuid) => instanceDiagnostics(h, paths(uuid), await record(uuid)),
    stats: async (uuid) => instanceStats(h, paths(uuid), await record(uuid)),
  };
}

export { InstanceNotFound, livePid };
