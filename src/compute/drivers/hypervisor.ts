/**
 * What a compute agent asks of its hypervisor. One interface for every backend: `fake` (instances in memory and
 * a JSON file, for tests and scale runs) now, `qemu` (one qemu-system process per instance over QMP) with issue 6.
 * Every call that may wait on the outside world takes a signal; the agent aborts it on shutdown.
 */
export interface HypervisorDriver {
  /** 'fake', 'qemu'. */
  readonly name: string;
  /** Called once by the agent before anything else; loads what survived a restart. */
  init(host: string, opts: Signal): Promise<void>;
  /** Ends what init started (the driver's own processes, files stay). */
  close(): Promise<void>;
  /** One line for the start-up banner ('fake, 1000 vCPUs' / 'qemu with KVM'). */
  describe(): string;
  /** Placement traits this host offers (COMPUTE_*, HW_CPU_*). */
  capabilities(): string[];
  /** Totals and usage for the hypervisor record and the Placement inventory. */
  resources(): Promise<HostResources>;
  /** Instances the hypervisor has, whatever the database says: what the agent reconciles against. */
  listInstances(): Promise<DriverInstance[]>;

  spawn(spec: InstanceSpec, opts: Signal): Promise<void>;
  /** Removes the instance and its disks; a missing instance is not an error. */
  destroy(uuid: string, opts: Signal & { keepDisks?: boolean }): Promise<void>;
  reboot(uuid: string, type: 'SOFT' | 'HARD', opts: Signal): Promise<void>;
  powerOff(uuid: string, opts: Signal & { timeoutS?: number }): Promise<void>;
  powerOn(uuid: string, opts: Signal): Promise<void>;
  pause(uuid: string, opts: Signal): Promise<void>;
  unpause(uuid: string, opts: Signal): Promise<void>;
  suspend(uuid: string, opts: Signal): Promise<void>;
  resume(uuid: string, opts: Signal): Promise<void>;
  rescue(uuid: string, rescue: { image: ImageSpec; adminPass?: string }, opts: Signal): Promise<void>;
  unrescue(uuid: string, opts: Signal): Promise<void>;
  /** Rebuild in place from another image (disks recreated). */
  rebuild(spec: InstanceSpec, opts: Signal): Promise<void>;
  /** The instance's root disk as an image stream (qcow2 for qemu), for the Image service. */
  snapshot(uuid: string, opts: Signal): Promise<SnapshotData>;
  /** Resize/cold migrate, source side: stop and hand over the disks. */
  migrateDiskAndPowerOff(uuid: string, flavor: FlavorSpec, opts: Signal): Promise<void>;
  /** Destination side: start with the new flavor. */
  finishMigration(spec: InstanceSpec, opts: Signal & { powerOn: boolean }): Promise<void>;
  /** Revert: go back to the old flavor on the source. */
  finishRevertMigration(spec: InstanceSpec, opts: Signal & { powerOn: boolean }): Promise<void>;
  /** Confirm: drop what the source kept for a revert. */
  confirmMigration(uuid: string, opts: Signal): Promise<void>;
  /** Live migration to another host's driver, identified by host name. */
  liveMigrate(uuid: string, destHost: string, opts: Signal): Promise<void>;
  attachInterface(uuid: string, vif: Vif, opts: Signal): Promise<void>;
  detachInterface(uuid: string, vif: Vif, opts: Signal): Promise<void>;
  attachVolume(uuid: string, volume: VolumeSpec, opts: Signal): Promise<void>;
  detachVolume(uuid: string, volumeId: string, opts: Signal): Promise<void>;
  /** The serial console log (the last `length` lines when given). */
  consoleOutput(uuid: string, length?: number): Promise<string>;
  /** Where a console client connects (the compute console proxy turns it into a URL with a token). */
  remoteConsole(uuid: string, kind: 'serial' | 'vnc' | 'spice' | 'rdp' | 'mks'): Promise<ConsoleEndpoint>;
  diagnostics(uuid: string): Promise<Diagnostics>;
  /** Per-instance counters for telemetry (cpu time, memory, disk and NIC bytes). */
  stats(uuid: string): Promise<InstanceStats>;
}

export interface Signal {
  signal: AbortSignal;
}

export interface HostResources {
  vcpus: number;
  memory_mb: number;
  local_gb: number;
  vcpus_used: number;
  memory_mb_used: number;
  local_gb_used: number;
  hypervisor_type: string;
  hypervisor_version: number;
  hypervisor_hostname: string;
  host_ip: string;
  cpu_info: Record<string, unknown>;
  disk_available_least: number | null;
}

/** Power state numbers as in instance-state.ts (1 running, 3 paused, 4 shutdown, 7 suspended, ...). */
export interface DriverInstance {
  uuid: string;
  power_state: number;
  /** What the driver knows it was given at spawn (for diagnostics and reconciling). */
  flavor?: FlavorSpec;
  /**
   * The source copy a resize keeps for a revert until confirmed: the database already places the instance on
   * the destination, so reconciling must not destroy it.
   */
  kept_for_revert?: boolean;
}

export interface FlavorSpec {
  name: string;
  vcpus: number;
  memory_mb: number;
  root_gb: number;
  ephemeral_gb: number;
  swap: number;
  extra_specs: Record<string, string>;
}

export interface ImageSpec {
  id: string;
  disk_format?: string;
  container_format?: string;
  min_disk?: number;
  min_ram?: number;
  properties: Record<string, unknown>;
  /** Where the driver reads the bytes from: an Image service download URL fetched with the token. */
  download?: { url: string; token: string };
}

/** One NIC: a Neutron port as Nova's VIF model carries it. */
export interface Vif {
  id: string;
  address: string;
  network: { id: string; label: string; mtu?: number; bridge?: string };
  fixed_ips: { ip_address: string; subnet_id: string; version: number }[];
  type?: string;
  details?: Record<string, unknown>;
  devname?: string;
}

export interface VolumeSpec {
  id: string;
  device: string;
  connection: Record<string, unknown>;
}

export interface InstanceSpec {
  uuid: string;
  name: string;
  hostname: string;
  flavor: FlavorSpec;
  image: ImageSpec;
  vifs: Vif[];
  /** What the guest reads at boot (config drive and metadata service). */
  injected: {
    userData?: string | null;
    keyData?: string | null;
    keyName?: string | null;
    adminPass?: string | null;
    metadata: Record<string, string>;
    configDrive: boolean;
  };
  /** The instance is started after spawn unless false (unshelve of a stopped server, for instance). */
  powerOn?: boolean;
  /** What the guest's metadata shows beyond the above (config drive); absent from specs made before it existed. */
  guest?: GuestFacts;
}

/** The instance row's facts that its metadata (meta_data.json, EC2 meta-data) shows. */
export interface GuestFacts {
  project_id: string;
  /** null when the server was booted into no zone (the metadata shows the default zone). */
  availability_zone: string | null;
  launch_index: number;
  reservation_id: string;
  security_groups: string[];
  kernel_id?: string | null;
  ramdisk_id?: string | null;
  root_device_name?: string | null;
}

export interface SnapshotData {
  disk_format: string;
  container_format: string;
  size: number;
  stream: AsyncIterable<Uint8Array>;
}

export interface ConsoleEndpoint {
  protocol: 'serial' | 'vnc' | 'spice' | 'rdp' | 'mks';
  host: string;
  port: number;
  /** Extra for the proxy (a path, a TLS flag). */
  internal?: Record<string, unknown>;
}

/** Nova's standard diagnostics (2.48). */
export interface Diagnostics {
  state: string;
  driver: string;
  hypervisor: string;
  hypervisor_os: string;
  uptime: number;
  config_drive: boolean;
  num_cpus: number;
  num_nics: number;
  num_disks: number;
  memory_details: { maximum: number; used: number };
  cpu_details: { id: number; time: number; utilisation: number | null }[];
  nic_details: Record<string, unknown>[];
  disk_details: Record<string, unknown>[];
}

export interface InstanceStats {
  cpu_time_ns: number;
  memory_used_mb: number;
  disk_read_bytes: number;
  disk_write_bytes: number;
  nic_rx_bytes: number;
  nic_tx_bytes: number;
}
