import type { Kysely } from 'kysely';

/**
 * The Compute service's tables; only files under src/compute name them. Booleans are integers (0/1),
 * timestamps ISO-8601 text (or null), structured values JSON text. Placement's tables are Placement's own.
 */
export interface ComputeTables
  extends FlavorTables,
    KeypairTables,
    InstanceTables,
    ActionTables,
    HostTables,
    ServerGroupTables,
    QuotaTables,
    ConsoleTokenTables {}

export type ComputeDb = Kysely<ComputeTables>;

// ---- flavors (0001) ----

export interface FlavorTables {
  flavors: FlavorRow;
  flavor_extra_specs: { flavor_id: string; key: string; value: string };
  /** Projects a private flavor is shared with (os-flavor-access). */
  flavor_projects: { flavor_id: string; project_id: string };
}

export interface FlavorRow {
  /** Internal key, a uuid: flavor ids (`flavorid`) can be reused after a delete. */
  internal_id: string;
  /** The API id clients see ('1', 'm1.tiny', a uuid). */
  id: string;
  name: string;
  vcpus: number;
  memory_mb: number;
  root_gb: number;
  ephemeral_gb: number;
  swap: number;
  rxtx_factor: number;
  is_public: number;
  disabled: number;
  description: string | null;
  created_at: string;
  updated_at: string | null;
  /** Set when deleted; servers keep their flavor snapshot. */
  deleted_at: string | null;
}

// ---- key pairs (0001) ----

export interface KeypairTables {
  key_pairs: KeypairRow;
}

export interface KeypairRow {
  id: string;
  user_id: string;
  name: string;
  type: 'ssh' | 'x509';
  public_key: string;
  fingerprint: string;
  created_at: string;
}

// ---- instances (0001) ----

export interface InstanceTables {
  instances: InstanceRow;
  instance_metadata: { instance_uuid: string; key: string; value: string };
  /** Strata's and Nova's own facts about a server (image properties at boot, the requested networks, ...). */
  instance_system_metadata: { instance_uuid: string; key: string; value: string };
  instance_tags: { instance_uuid: string; tag: string };
  /** What the server asked for, kept for rescheduling, resize and unshelve (Nova's RequestSpec). */
  request_specs: { instance_uuid: string; spec: string };
  block_device_mappings: BlockDeviceRow;
}

export interface InstanceRow {
  uuid: string;
  project_id: string;
  user_id: string;
  display_name: string;
  display_description: string | null;
  hostname: string;
  image_ref: string;
  /** JSON snapshot of the flavor at boot (or after resize): FlavorSnapshot. */
  flavor: string;
  /** JSON FlavorSnapshot of the flavor before a resize, kept until confirm or revert. */
  old_flavor: string | null;
  /** Nova's vm_state, task_state and power_state (see instance-state.ts). */
  vm_state: string;
  task_state: string | null;
  power_state: number;
  /** The compute host (its service's host name) and its hypervisor node name; null until scheduled. */
  host: string | null;
  node: string | null;
  /** What the server was booted into ('nova' unless asked otherwise). */
  availability_zone: string | null;
  launched_at: string | null;
  terminated_at: string | null;
  locked: number;
  locked_by: 'owner' | 'admin' | null;
  locked_reason: string | null;
  key_name: string | null;
  key_data: string | null;
  user_data: string | null;
  config_drive: string;
  access_ip_v4: string | null;
  access_ip_v6: string | null;
  reservation_id: string;
  launch_index: number;
  kernel_id: string;
  ramdisk_id: string;
  root_device_name: string | null;
  /** OS-DCF:diskConfig, 'AUTO' or 'MANUAL'. */
  disk_config: string;
  /** JSON NetworkInfo (the addresses and VIFs from Networking), refreshed on network events. */
  info_cache: string;
  /** JSON `{code, message, details, created}` when the server went to ERROR. */
  fault: string | null;
  /** Increased by every update, so agents' compare-and-set on task_state sees concurrent changes. */
  progress: number;
  created_at: string;
  updated_at: string | null;
  deleted_at: string | null;
  /** 0 while the server exists; 1 once deleted (admins list deleted servers; instance actions survive). */
  deleted: number;
}

export interface BlockDeviceRow {
  id: string;
  instance_uuid: string;
  source_type: string;
  destination_type: string;
  boot_index: number | null;
  device_name: string | null;
  volume_id: string | null;
  image_id: string | null;
  volume_size: number | null;
  delete_on_termination: number;
  tag: string | null;
  attachment_id: string | null;
  created_at: string;
}

// ---- instance actions (0001) ----

export interface ActionTables {
  instance_actions: InstanceActionRow;
  instance_action_events: InstanceActionEventRow;
  /** Nova's migrations table (resizes, cold and live migrations); `compute_migrations` is the schema history. */
  instance_migrations: MigrationRow;
}

export interface InstanceActionRow {
  id: string;
  instance_uuid: string;
  /** 'create', 'reboot', 'stop', ... as Nova names them. */
  action: string;
  request_id: string;
  user_id: string;
  project_id: string;
  start_time: string;
  finish_time: string | null;
  message: string | null;
  updated_at: string;
}

export interface InstanceActionEventRow {
  id: string;
  action_id: string;
  /** 'compute__do_build_and_run_instance', 'compute_reboot_instance', ... */
  event: string;
  start_time: string;
  finish_time: string | null;
  /** 'Success' or 'Error' once finished. */
  result: string | null;
  traceback: string | null;
  host: string | null;
  details: string | null;
}

export interface MigrationRow {
  id: number;
  uuid: string;
  instance_uuid: string;
  source_compute: string | null;
  dest_compute: string | null;
  source_node: string | null;
  dest_node: string | null;
  dest_host: string | null;
  old_instance_type_id: string | null;
  new_instance_type_id: string | null;
  /** 'pre-migrating', 'migrating', 'finished', 'confirmed', 'reverted', 'error', ... */
  status: string;
  /** 'resize', 'migration', 'live-migration', 'evacuation'. */
  migration_type: string;
  project_id: string;
  user_id: string;
  created_at: string;
  updated_at: string | null;
}

// ---- hosts: services, compute nodes, aggregates (0001) ----

export interface HostTables {
  compute_services: ServiceRow;
  compute_nodes: ComputeNodeRow;
  aggregates: AggregateRow;
  aggregate_hosts: { aggregate_id: number; host: string };
  aggregate_metadata: { aggregate_id: number; key: string; value: string };
}

export interface ServiceRow {
  id: number;
  uuid: string;
  host: string;
  binary: string;
  topic: string | null;
  disabled: number;
  disabled_reason: string | null;
  forced_down: number;
  /** When the service last reported; it is down after `compute.serviceDownTime` seconds of silence. */
  last_seen_up: string | null;
  report_count: number;
  version: number;
  created_at: string;
  updated_at: string | null;
}

export interface ComputeNodeRow {
  id: number;
  /** Also the uuid of the host's resource provider in Placement. */
  uuid: string;
  service_id: number;
  host: string;
  hypervisor_hostname: string;
  hypervisor_type: string;
  hypervisor_version: number;
  host_ip: string;
  vcpus: number;
  memory_mb: number;
  local_gb: number;
  vcpus_used: number;
  memory_mb_used: number;
  local_gb_used: number;
  free_ram_mb: number;
  free_disk_gb: number;
  running_vms: number;
  /** JSON, as the driver reports it (Nova's cpu_info). */
  cpu_info: string;
  disk_available_least: number | null;
  created_at: string;
  updated_at: string | null;
}

export interface AggregateRow {
  id: number;
  uuid: string;
  name: string;
  created_at: string;
  updated_at: string | null;
}

// ---- server groups (0001) ----

export interface ServerGroupTables {
  server_groups: ServerGroupRow;
  server_group_members: { group_id: string; instance_uuid: string };
}

export interface ServerGroupRow {
  id: string;
  name: string;
  project_id: string;
  user_id: string;
  /** 'affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'. */
  policy: string;
  /** JSON `{max_server_per_host?: n}` (2.64). */
  rules: string;
  created_at: string;
}

// ---- quotas (0001) ----

export interface QuotaTables {
  /** Per-project (and per-user when user_id is not '') overrides of a resource's limit. */
  compute_quotas: { project_id: string; user_id: string; resource: string; hard_limit: number };
  /** Quota class limits; the 'default' class replaces the configured defaults. */
  compute_quota_classes: { class_name: string; resource: string; hard_limit: number };
}

// ---- remote console tokens (0050) ----

export interface ConsoleTokenTables {
  /** A remote console URL's token, stored hashed; the console proxy looks it up by the token in the URL. */
  console_auth_tokens: {
    token_hash: string;
    instance_uuid: string;
    console_type: string;
    host: string;
    port: number;
    /** JSON ConsoleEndpoint.internal. */
    internal: string;
    expires_at: string;
    created_at: string;
  };
}

/** The flavor a server was booted with, as kept on the instance (Nova's embedded flavor). */
export interface FlavorSnapshot {
  id: string;
  name: string;
  vcpus: number;
  memory_mb: number;
  root_gb: number;
  ephemeral_gb: number;
  swap: number;
  rxtx_factor: number;
  extra_specs: Record<string, string>;
}
