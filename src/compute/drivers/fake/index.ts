import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  ConsoleEndpoint,
  DriverInstance,
  FlavorSpec,
  HostResources,
  HypervisorDriver,
  InstanceSpec,
  Signal,
} from '../hypervisor.ts';
import { consoleOutput, diagnostics, snapshotData, stats } from './content.ts';
import { type FakeHostHandle, fakeHost, registerFakeHost, unregisterFakeHost } from './registry.ts';
import { createFakeStore, type FakeInstance } from './store.ts';

export interface FakeDriverOptions {
  dataDir: string;
  host: string;
  /** Milliseconds every changing operation takes (abortable). */
  delayMs?: number;
  resources?: { vcpus: number; memoryMb: number; localGb: number };
}

export const FAKE_TRAITS = [
  'COMPUTE_NET_ATTACH_INTERFACE',
  'COMPUTE_TRUSTED_CERTS',
  'COMPUTE_VOLUME_ATTACH_WITH_TAG',
  'COMPUTE_DEVICE_TAGGING',
  'COMPUTE_NODE',
  'COMPUTE_IMAGE_TYPE_QCOW2',
  'COMPUTE_IMAGE_TYPE_RAW',
];

const POWER = { running: 1, paused: 3, shutdown: 4, suspended: 7 } as const;

export class FakeInstanceNotFound extends Error {
  constructor(uuid: string, host: string) {
    super(`Instance ${uuid} could not be found on fake host ${host}.`);
    this.name = 'InstanceNotFound';
  }
}

export class FakeInjectedFailure extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'InjectedFailure';
  }
}

/**
 * Nova's fake virt driver, Strata's way: instances live in a map persisted to
 * `<dataDir>/compute/<host>/instances.json`, each operation takes `delayMs` and moves power states as a real
 * hypervisor would. Tests inject failures through the flavor (`fake:fail_spawn=true`) or the instance metadata
 * (`fake_fail_spawn: <host>|*`, `fake_hang: <operation>[,<operation>]` hangs until aborted).
 */
export function createFakeDriver(o: FakeDriverOptions): HypervisorDriver {
  let host = o.host;
  const delayMs = o.delayMs ?? 0;
  const totals = o.resources ?? { vcpus: 1000, memoryMb: 800000, localGb: 600000 };
  let instances = new Map<string, FakeInstance>();
  let store = createFakeStore(join(o.dataDir, 'compute', host, 'instances.json'));

  const handle: FakeHostHandle = {
    async adopt(instance) {
      instances.set(instance.uuid, { ...instance, migration: undefined });
      await save();
    },
  };

  const save = () => store.save(instances);

  function get(uuid: string): FakeInstance {
    const i = instances.get(uuid);
    if (!i) throw new FakeInstanceNotFound(uuid, host);
    return i;
  }

  function hangs(spec: InstanceSpec | undefined, operation: string): boolean {
    const hang = spec?.injected?.metadata?.fake_hang;
    return typeof hang === 'string' && hang.split(',').some((h) => h.trim() === operation);
  }

  /** The time an operation takes; hangs until aborted when the instance's metadata asks for it. */
  async function work(operation: string, spec: InstanceSpec | undefined, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (hangs(spec, operation)) await sleep(2 ** 31 - 1, undefined, { signal });
    if (delayMs > 0) await sleep(delayMs, undefined, { signal });
  }

  /** Waits, then changes an existing instance and persists it. */
  async function change(uuid: string, operation: string, opts: Signal, fn: (i: FakeInstance) => void) {
    await work(operation, instances.get(uuid)?.spec, opts.signal);
    const i = get(uuid);
    fn(i);
    i.ops++;
    await save();
  }

  const boot = (i: FakeInstance, power: number) => {
    if (power === POWER.running && i.power_state !== POWER.running) i.booted_at = Date.now();
    i.power_state = power;
  };

  function fresh(spec: InstanceSpec, power: number): FakeInstance {
    return {
      uuid: spec.uuid,
      power_state: power,
      spec,
      flavor: spec.flavor,
      volumes: [],
      rescued: false,
      booted_at: Date.now(),
      ops: 0,
    };
  }

  function failsSpawn(spec: InstanceSpec): string | undefined {
    if (spec.flavor.extra_specs?.['fake:fail_spawn'] === 'true') return 'flavor extra spec fake:fail_spawn=true';
    const target = spec.injected?.metadata?.fake_fail_spawn;
    if (target === '*' || target === host) return `instance metadata fake_fail_spawn=${target}`;
    return undefined;
  }

  const powerOf = (spec: InstanceSpec) => (spec.powerOn === false ? POWER.shutdown : POWER.running);
  const diskGb = (f: FlavorSpec) => f.root_gb + f.ephemeral_gb + Math.ceil(f.swap / 1024);

  return {
    name: 'fake',

    async init(h, opts) {
      opts.signal.throwIfAborted();
      if (h && h !== host) {
        host = h;
        store = createFakeStore(join(o.dataDir, 'compute', host, 'instances.json'));
      }
      instances = await store.load();
      registerFakeHost(host, handle);
    },

    async close() {
      unregisterFakeHost(host, handle);
    },

    describe: () => `fake, ${totals.vcpus} vCPUs, ${totals.memoryMb} MB`,

    capabilities: () => [...FAKE_TRAITS],

    async resources(): Promise<HostResources> {
      let vcpus = 0;
      let memory = 0;
      let disk = 0;
      for (const i of instances.values()) {
        vcpus += i.flavor.vcpus;
        memory += i.flavor.memory_mb;
        disk += diskGb(i.flavor);
      }
      return {
        vcpus: totals.vcpus,
        memory_mb: totals.memoryMb,
        local_gb: totals.localGb,
        vcpus_used: vcpus,
        memory_mb_used: memory,
        local_gb_used: disk,
        hypervisor_type: 'fake',
        hypervisor_version: 1000,
        hypervisor_hostname: host,
        host_ip: '127.0.0.1',
        cpu_info: {
          arch: 'x86_64',
          model: 'fake',
          vendor: 'fake',
          topology: { sockets: 1, cores: totals.vcpus, threads: 1 },
          features: [],
        },
        disk_available_least: totals.localGb - disk,
      };
    },

    async listInstances(): Promise<DriverInstance[]> {
      return [...instances.values()].map((i) => ({
        uuid: i.uuid,
        power_state: i.power_state,
        flavor: i.flavor,
        ...(i.migration?.source && !i.migration.dest && { kept_for_revert: true }),
      }));
    },

    async spawn(spec, opts) {
      await work('spawn', spec, opts.signal);
      const why = failsSpawn(spec);
      if (why) throw new FakeInjectedFailure(`fake spawn of ${spec.uuid} on ${host} failed (${why})`);
      instances.set(spec.uuid, fresh(spec, powerOf(spec)));
      await save();
    },

    async destroy(uuid, opts) {
      await work('destroy', instances.get(uuid)?.spec, opts.signal);
      if (instances.delete(uuid)) await save();
    },

    reboot: (uuid, _type, opts) =>
      change(uuid, 'reboot', opts, (i) => {
        i.power_state = POWER.shutdown;
        boot(i, POWER.running);
      }),
    powerOff: (uuid, opts) => change(uuid, 'power_off', opts, (i) => boot(i, POWER.shutdown)),
    powerOn: (uuid, opts) => change(uuid, 'power_on', opts, (i) => boot(i, POWER.running)),
    pause: (uuid, opts) => change(uuid, 'pause', opts, (i) => boot(i, POWER.paused)),
    unpause: (uuid, opts) => change(uuid, 'unpause', opts, (i) => boot(i, POWER.running)),
    suspend: (uuid, opts) => change(uuid, 'suspend', opts, (i) => boot(i, POWER.suspended)),
    resume: (uuid, opts) => change(uuid, 'resume', opts, (i) => boot(i, POWER.running)),
    rescue: (uuid, _rescue, opts) =>
      change(uuid, 'rescue', opts, (i) => {
        i.rescued = true;
        i.power_state = POWER.shutdown;
        boot(i, POWER.running);
      }),
    unrescue: (uuid, opts) =>
      change(uuid, 'unrescue', opts, (i) => {
        i.rescued = false;
        i.power_state = POWER.shutdown;
        boot(i, POWER.running);
      }),

    rebuild: (spec, opts) =>
      change(spec.uuid, 'rebuild', opts, (i) => {
        i.spec = spec;
        i.flavor = spec.flavor;
        i.rescued = false;
        i.power_state = POWER.shutdown;
        boot(i, powerOf(spec));
      }),

    async snapshot(uuid, opts) {
      await work('snapshot', instances.get(uuid)?.spec, opts.signal);
      return snapshotData(get(uuid));
    },

    migrateDiskAndPowerOff: (uuid, _flavor, opts) =>
      change(uuid, 'migrate_disk_and_power_off', opts, (i) => {
        boot(i, POWER.shutdown);
        i.migration = { old_flavor: i.flavor, source: true, dest: false };
      }),

    async finishMigration(spec, opts) {
      await work('finish_migration', spec, opts.signal);
      const power = opts.powerOn ? POWER.running : POWER.shutdown;
      const same = instances.get(spec.uuid);
      if (same) {
        // Resize on the same host: the source copy becomes the resized instance, the old flavor kept for revert.
        same.spec = spec;
        same.flavor = spec.flavor;
        same.migration = { old_flavor: same.migration?.old_flavor ?? same.flavor, source: true, dest: true };
        boot(same, power);
        same.ops++;
      } else instances.set(spec.uuid, fresh(spec, power));
      await save();
    },

    async finishRevertMigration(spec, opts) {
      await work('finish_revert_migration', spec, opts.signal);
      const power = opts.powerOn ? POWER.running : POWER.shutdown;
      const kept = instances.get(spec.uuid);
      if (kept) {
        const flavor = kept.migration?.old_flavor ?? spec.flavor;
        kept.spec = { ...spec, flavor };
        kept.flavor = flavor;
        kept.migration = undefined;
        boot(kept, power);
        kept.ops++;
      } else instances.set(spec.uuid, fresh(spec, power));
      await save();
    },

    async confirmMigration(uuid, opts) {
      await work('confirm_migration', instances.get(uuid)?.spec, opts.signal);
      const i = instances.get(uuid);
      if (!i) return;
      if (i.migration?.dest) i.migration = undefined;
      else instances.delete(uuid);
      await save();
    },

    async liveMigrate(uuid, destHost, opts) {
      get(uuid);
      if (destHost === host) throw new Error(`fake live migration of ${uuid}: ${destHost} is the source host`);
      if (!fakeHost(destHost))
        throw new Error(`fake live migration of ${uuid}: no fake hypervisor ${destHost} in this process`);
      await work('live_migration', instances.get(uuid)?.spec, opts.signal);
      const i = get(uuid);
      const dest = fakeHost(destHost);
      if (!dest) throw new Error(`fake live migration of ${uuid}: ${destHost} went away`);
      await dest.adopt(structuredClone({ ...i, ops: i.ops + 1 }));
      instances.delete(uuid);
      await save();
    },

    attachInterface: (uuid, vif, opts) =>
      change(uuid, 'attach_interface', opts, (i) => {
        i.spec.vifs = [...i.spec.vifs.filter((v) => v.id !== vif.id), vif];
      }),
    detachInterface: (uuid, vif, opts) =>
      change(uuid, 'detach_interface', opts, (i) => {
        i.spec.vifs = i.spec.vifs.filter((v) => v.id !== vif.id);
      }),
    attachVolume: (uuid, volume, opts) =>
      change(uuid, 'attach_volume', opts, (i) => {
        i.volumes = [...i.volumes.filter((v) => v.id !== volume.id), volume];
      }),
    detachVolume: (uuid, volumeId, opts) =>
      change(uuid, 'detach_volume', opts, (i) => {
        i.volumes = i.volumes.filter((v) => v.id !== volumeId);
      }),

    consoleOutput: async (uuid, length) => consoleOutput(get(uuid), length),

    async remoteConsole(uuid, kind): Promise<ConsoleEndpoint> {
      // A test's Unix socket stands in for the console (`fake_console_socket: <file name>` metadata, a socket in
      // the data directory): the console proxy is tested end to end without QEMU. Only a plain file name is
      // honoured, so a tenant's metadata cannot point the proxy at another socket of the machine.
      const name = get(uuid).spec.injected?.metadata?.fake_console_socket;
      const internal: Record<string, unknown> = { fake: true, instance: uuid };
      if (name && /^[\w.-]+$/.test(name) && !name.startsWith('.')) internal.socket = join(o.dataDir, name);
      return { protocol: kind, host: '127.0.0.1', port: 0, internal };
    },

    diagnostics: async (uuid) => diagnostics(get(uuid)),
    stats: async (uuid) => stats(get(uuid)),
  };
}
