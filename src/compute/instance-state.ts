import { conflict } from './errors.ts';

/** Nova's vm_state values (nova/compute/vm_states.py). */
export const VmState = {
  active: 'active',
  building: 'building',
  paused: 'paused',
  suspended: 'suspended',
  stopped: 'stopped',
  rescued: 'rescued',
  resized: 'resized',
  softDeleted: 'soft-deleted',
  deleted: 'deleted',
  error: 'error',
  shelved: 'shelved',
  shelvedOffloaded: 'shelved_offloaded',
} as const;
export type VmStateName = (typeof VmState)[keyof typeof VmState];

/** Nova's task_state values (nova/compute/task_states.py); null when no task runs. */
export const TaskState = {
  scheduling: 'scheduling',
  blockDeviceMapping: 'block_device_mapping',
  networking: 'networking',
  spawning: 'spawning',
  imageSnapshot: 'image_snapshot',
  imageSnapshotPending: 'image_snapshot_pending',
  imagePendingUpload: 'image_pending_upload',
  imageUploading: 'image_uploading',
  imageBackup: 'image_backup',
  updatingPassword: 'updating_password',
  resizePrep: 'resize_prep',
  resizeMigrating: 'resize_migrating',
  resizeMigrated: 'resize_migrated',
  resizeFinish: 'resize_finish',
  resizeReverting: 'resize_reverting',
  resizeConfirming: 'resize_confirming',
  rebooting: 'rebooting',
  rebootPending: 'reboot_pending',
  rebootStarted: 'reboot_started',
  rebootingHard: 'rebooting_hard',
  rebootPendingHard: 'reboot_pending_hard',
  rebootStartedHard: 'reboot_started_hard',
  pausing: 'pausing',
  unpausing: 'unpausing',
  suspending: 'suspending',
  resuming: 'resuming',
  poweringOff: 'powering-off',
  poweringOn: 'powering-on',
  rescuing: 'rescuing',
  unrescuing: 'unrescuing',
  rebuilding: 'rebuilding',
  rebuildBlockDeviceMapping: 'rebuild_block_device_mapping',
  rebuildSpawning: 'rebuild_spawning',
  migrating: 'migrating',
  deleting: 'deleting',
  softDeleting: 'soft-deleting',
  restoring: 'restoring',
  shelving: 'shelving',
  shelvingImagePendingUpload: 'shelving_image_pending_upload',
  shelvingImageUploading: 'shelving_image_uploading',
  shelvingOffloading: 'shelving_offloading',
  unshelving: 'unshelving',
} as const;
export type TaskStateName = (typeof TaskState)[keyof typeof TaskState];

/** Nova's power_state numbers, shown as `OS-EXT-STS:power_state`. */
export const PowerState = { nostate: 0, running: 1, paused: 3, shutdown: 4, crashed: 6, suspended: 7 } as const;
export type PowerStateNumber = (typeof PowerState)[keyof typeof PowerState];

/** A power state's name as Nova's diagnostics `state` gives it; an unknown number reads as pending. */
export function powerStateName(power: number): string {
  const names: Record<number, string> = { 1: 'running', 3: 'paused', 4: 'shutdown', 6: 'crashed', 7: 'suspended' };
  return names[power] ?? 'pending';
}

const T = TaskState;
const REBOOT = [T.rebooting, T.rebootPending, T.rebootStarted];
const HARD_REBOOT = [T.rebootingHard, T.rebootPendingHard, T.rebootStartedHard];
const REBUILD = [T.rebuilding, T.rebuildBlockDeviceMapping, T.rebuildSpawning];
const RESIZE = [T.resizePrep, T.resizeMigrating, T.resizeMigrated, T.resizeFinish];

const byTask = (statuses: [readonly string[], string][]): Record<string, string> =>
  Object.fromEntries(statuses.flatMap(([tasks, status]) => tasks.map((t) => [t, status])));

/** The API `status` of each (vm_state, task_state), as Nova's status_from_state maps them. */
const STATUS_MAP: Record<string, { default: string; tasks: Record<string, string> }> = {
  [VmState.active]: {
    default: 'ACTIVE',
    tasks: byTask([
      [REBOOT, 'REBOOT'],
      [HARD_REBOOT, 'HARD_REBOOT'],
      [[T.updatingPassword], 'PASSWORD'],
      [REBUILD, 'REBUILD'],
      [[T.migrating], 'MIGRATING'],
      [RESIZE, 'RESIZE'],
    ]),
  },
  [VmState.building]: { default: 'BUILD', tasks: {} },
  [VmState.stopped]: {
    default: 'SHUTOFF',
    tasks: byTask([
      [RESIZE, 'RESIZE'],
      [REBUILD, 'REBUILD'],
    ]),
  },
  [VmState.resized]: { default: 'VERIFY_RESIZE', tasks: byTask([[[T.resizeReverting], 'REVERT_RESIZE']]) },
  [VmState.paused]: { default: 'PAUSED', tasks: byTask([[[T.migrating], 'MIGRATING']]) },
  [VmState.suspended]: { default: 'SUSPENDED', tasks: {} },
  [VmState.rescued]: { default: 'RESCUE', tasks: {} },
  [VmState.error]: { default: 'ERROR', tasks: byTask([[REBUILD, 'REBUILD']]) },
  [VmState.deleted]: { default: 'DELETED', tasks: {} },
  [VmState.softDeleted]: { default: 'SOFT_DELETED', tasks: {} },
  [VmState.shelved]: { default: 'SHELVED', tasks: {} },
  [VmState.shelvedOffloaded]: { default: 'SHELVED_OFFLOADED', tasks: {} },
};

/** Nova's `status` of a server from its vm_state and task_state. */
export function statusOf(vmState: string, taskState: string | null): string {
  const map = STATUS_MAP[vmState];
  if (!map) return 'UNKNOWN';
  return (taskState && map.tasks[taskState]) || map.default;
}

/** The vm_states a `status` list filter means (Nova's states_from_status); undefined for an unknown status. */
export function vmStatesOf(status: string): { vmStates: string[]; taskStates?: string[] } | undefined {
  const upper = status.toUpperCase();
  const vmStates: string[] = [];
  const taskStates: string[] = [];
  for (const [vm, map] of Object.entries(STATUS_MAP)) {
    if (map.default === upper) vmStates.push(vm);
    for (const [task, s] of Object.entries(map.tasks)) if (s === upper) taskStates.push(task);
  }
  if (vmStates.length === 0 && taskStates.length === 0) return undefined;
  return taskStates.length > 0 && vmStates.length === 0 ? { vmStates: [], taskStates } : { vmStates };
}

/** What an action allows the server to be in; `task: [null]` means "no task running". */
export interface StateGuard {
  vm?: readonly string[];
  task?: readonly (string | null)[];
}

const V = VmState;
const IDLE = [null] as const;

/**
 * Per API action, the states Nova's `check_instance_state` allows (nova/compute/api.py). Anything else is
 * a 409 worded as Nova words it. Actions not listed here check nothing.
 */
export const ACTION_GUARDS: Record<string, StateGuard> = {
  reboot: {
    vm: [V.active, V.stopped, V.paused, V.suspended, V.error],
    task: [null, ...REBOOT, ...HARD_REBOOT, T.resuming, T.unpausing, T.pausing, T.suspending],
  },
  stop: { vm: [V.active, V.error], task: [null, T.poweringOff, T.poweringOn, ...REBOOT, ...HARD_REBOOT] },
  start: { vm: [V.stopped], task: IDLE },
  pause: { vm: [V.active], task: IDLE },
  unpause: { vm: [V.paused], task: IDLE },
  suspend: { vm: [V.active], task: IDLE },
  resume: { vm: [V.suspended], task: IDLE },
  rescue: { vm: [V.active, V.stopped, V.error], task: IDLE },
  unrescue: { vm: [V.rescued], task: IDLE },
  rebuild: { vm: [V.active, V.stopped, V.error], task: IDLE },
  resize: { vm: [V.active, V.stopped], task: IDLE },
  confirmResize: { vm: [V.resized], task: IDLE },
  revertResize: { vm: [V.resized], task: IDLE },
  createImage: { vm: [V.active, V.stopped, V.paused, V.suspended], task: IDLE },
  shelve: { vm: [V.active, V.stopped, V.paused, V.suspended], task: IDLE },
  shelveOffload: { vm: [V.shelved], task: IDLE },
  unshelve: { vm: [V.shelved, V.shelvedOffloaded], task: IDLE },
  migrate: { vm: [V.active, V.stopped], task: IDLE },
  'os-migrateLive': { vm: [V.active, V.paused], task: IDLE },
  attachInterface: { vm: [V.active, V.paused, V.stopped], task: IDLE },
  detachInterface: { vm: [V.active, V.paused, V.stopped], task: IDLE },
  restore: { vm: [V.softDeleted] },
  forceDelete: { vm: [V.softDeleted] },
  getConsoleOutput: { vm: [V.active, V.paused, V.suspended, V.rescued, V.stopped, V.resized, V.error] },
  getRemoteConsole: { vm: [V.active, V.paused, V.rescued] },
  diagnostics: { vm: [V.active, V.paused, V.suspended, V.rescued, V.stopped, V.resized] },
};

/**
 * Throws Nova's 409 when `action` is not allowed in the server's current state:
 * `Cannot 'stop' instance <uuid> while it is in vm_state stopped`.
 */
export function checkState(
  action: string,
  server: { uuid: string; vm_state: string; task_state: string | null },
  apiName = action,
): void {
  const guard = ACTION_GUARDS[action];
  if (!guard) return;
  if (guard.vm && !guard.vm.includes(server.vm_state))
    throw conflict(`Cannot '${apiName}' instance ${server.uuid} while it is in vm_state ${server.vm_state}`);
  if (guard.task && !guard.task.includes(server.task_state))
    throw conflict(`Cannot '${apiName}' instance ${server.uuid} while it is in task_state ${server.task_state}`);
}
