import type { HostResources, ImageSpec, InstanceSpec, Vif } from '../drivers/hypervisor.ts';

/**
 * The contract between the Compute server (API + conductor) and the per-host compute agents, both directions
 * over the bus. Everything is JSON: the same messages cross RabbitMQ when an agent runs on another node.
 * Agents never touch the database: they act through their driver and report through ServerMethod calls; the
 * server writes.
 *
 * Server → agent: cast (or call, for answers) to `{ topic: AGENT_TOPIC, server: host }`; fanout on AGENT_TOPIC
 * makes every agent reconcile.
 * Agent → server: call to `{ topic: SERVER_TOPIC }` (any server process consumes it).
 */
export const AGENT_TOPIC = 'compute-agent';
export const SERVER_TOPIC = 'compute';

/** Server → agent. Casts unless marked "call". */
export const AgentMethod = {
  buildAndRun: 'build_and_run_instance',
  terminate: 'terminate_instance',
  reboot: 'reboot_instance',
  stop: 'stop_instance',
  start: 'start_instance',
  pause: 'pause_instance',
  unpause: 'unpause_instance',
  suspend: 'suspend_instance',
  resume: 'resume_instance',
  rescue: 'rescue_instance',
  unrescue: 'unrescue_instance',
  rebuild: 'rebuild_instance',
  /** On the source host: stop and hand over (resize and cold migrate). */
  resize: 'resize_instance',
  /** On the destination host: start with the new flavor. */
  finishResize: 'finish_resize',
  confirmResize: 'confirm_resize',
  revertResize: 'revert_resize',
  /** On the source host, after revert_resize destroyed the destination copy: back to the old flavor. */
  finishRevertResize: 'finish_revert_resize',
  snapshot: 'snapshot_instance',
  shelve: 'shelve_instance',
  shelveOffload: 'shelve_offload_instance',
  unshelve: 'unshelve_instance',
  liveMigrate: 'live_migration',
  attachInterface: 'attach_interface',
  detachInterface: 'detach_interface',
  /** call → `{ output: string }` */
  consoleOutput: 'get_console_output',
  /** call → ConsoleEndpoint */
  remoteConsole: 'get_remote_console',
  /** call → Diagnostics */
  diagnostics: 'get_diagnostics',
  /** Fanout: reconcile now. */
  resync: 'resync',
} as const;
export type AgentMethodName = (typeof AgentMethod)[keyof typeof AgentMethod];

/** Agent → server. All calls. */
export const ServerMethod = {
  /** Heartbeat with the host's resources: the services and compute_nodes rows, and Placement inventory. */
  reportState: 'report_state',
  /** Compare-and-set of an instance's states (see InstanceUpdate). */
  instanceUpdate: 'instance_update',
  /** Start or finish of an instance action event (`compute_reboot_instance`, ...). */
  actionEvent: 'action_event',
  /** A build failed on this host: the conductor reschedules or puts the server in ERROR. */
  buildFailed: 'build_failed',
  /** What the database places on this host (the agent reconciles its driver against it). */
  syncInstances: 'sync_instances',
  /** The snapshot bytes of an instance were uploaded (or failed): the server finishes the image. */
  snapshotDone: 'snapshot_done',
} as const;

/** What every message about one instance carries: who asked (for the instance action) and the request id. */
export interface ActionContext {
  request_id: string;
  user_id: string;
  project_id: string;
  /** The token to act with towards Image/Network when the agent needs one (snapshot upload); service token else. */
  token?: string;
}

/** build_and_run_instance and the other instance casts: the whole spec, so the agent needs no lookups. */
export interface InstanceMessage {
  context: ActionContext;
  instance: InstanceSpec;
  /** Extra per method: `{ type: 'SOFT' }` for reboot, `{ image_id, upload }` for snapshot, ... */
  args?: Record<string, unknown>;
}

export interface SnapshotArgs {
  image_id: string;
  /** Where the agent PUTs the bytes (the Image service's /v2/images/{id}/file) with `token`. */
  upload: { url: string; token: string };
}

export interface RescueArgs {
  image: ImageSpec;
  admin_pass?: string;
}

export interface InterfaceArgs {
  vif: Vif;
}

/**
 * instance_update: applied only while the instance's task_state is one of `expected_task_state` (when given),
 * Nova's UnexpectedTaskStateError guard; `{ ok: false }` tells the agent to abandon the step (the server was
 * deleted or another action took over).
 */
export interface InstanceUpdate {
  uuid: string;
  host: string;
  expected_task_state?: (string | null)[];
  vm_state?: string;
  task_state?: string | null;
  power_state?: number;
  launched_at?: string;
  node?: string;
  /** A move (finish_resize, finish_revert_resize, live migration): the instance now lives on this host/node. */
  new_host?: string;
  new_node?: string;
  /** Shelve offload: the server clears the instance's host and node. */
  offloaded?: boolean;
  fault?: { code: number; message: string; details?: string };
}

export interface ActionEvent {
  uuid: string;
  request_id: string;
  /** 'compute_reboot_instance', 'compute__do_build_and_run_instance', 'compute_detach_interface', ... */
  event: string;
  phase: 'start' | 'finish';
  result?: 'Success' | 'Error';
  traceback?: string;
  host: string;
}

export interface BuildFailed {
  uuid: string;
  host: string;
  reason: string;
  /** False when retrying elsewhere cannot help (a bad image). */
  reschedule: boolean;
}

export interface StateReport {
  host: string;
  /** The hypervisor node name (Nova's nodename); one node per host here. */
  node: string;
  resources: HostResources;
  traits: string[];
  driver: string;
  /** Set on the first report after the agent started, so the server knows it may have lost casts. */
  start_flag?: boolean;
}

/** sync_instances → what the database places on the host. */
export interface SyncAnswer {
  instances: { uuid: string; vm_state: string; task_state: string | null; power_state: number; spec: InstanceSpec }[];
}
