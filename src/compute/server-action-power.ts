import { AgentMethod } from './agent/rpc.ts';
import { imageSpecOf } from './build-flow.ts';
import { badRequest, conflict, notImplemented } from './errors.ts';
import { finishAction, recordAction } from './instance-actions-store.ts';
import { TaskState } from './instance-state.ts';
import { updateInstance } from './instance-store.ts';
import { actionContextOf, enforceNova } from './server-access.ts';
import {
  type ActionCall,
  type ActionSpec,
  accepted,
  actRequest,
  bodyObject,
  castAction,
  onlyKeys,
} from './server-action-context.ts';

const S = 'os_compute_api:servers';

async function reboot(call: ActionCall) {
  const body = bodyObject(call, 'reboot');
  onlyKeys('reboot', body, ['type']);
  const type = String(body.type ?? '').toUpperCase();
  if (type !== 'SOFT' && type !== 'HARD')
    throw badRequest(
      `Invalid input for field/attribute type. Value: ${body.type}. '${body.type}' is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']`,
    );
  // A soft reboot needs a running, idle server; a hard one also rescues stopped, paused and stuck ones.
  if (type === 'SOFT' && (call.row.vm_state !== 'active' || call.row.task_state !== null)) {
    const attr = call.row.vm_state !== 'active' ? 'vm_state' : 'task_state';
    const value = attr === 'vm_state' ? call.row.vm_state : call.row.task_state;
    throw conflict(`Cannot 'reboot' instance ${call.row.uuid} while it is in ${attr} ${value}`);
  }
  const task = type === 'SOFT' ? TaskState.rebooting : TaskState.rebootingHard;
  await call.deps.conductor.act(actRequest(call, 'reboot', AgentMethod.reboot, task, { type }));
  return accepted(call);
}

/** Lock and unlock are recorded as instance actions and change the row directly (no agent involved). */
async function lock(call: ActionCall) {
  const mv = call.req.microversion;
  const body = bodyObject(call, 'lock');
  onlyKeys('lock', body, mv.atLeast('2.73') ? ['locked_reason'] : []);
  const reason = body.locked_reason;
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > 255))
    throw badRequest(`Invalid input for field/attribute locked_reason. Value: ${JSON.stringify(reason)}.`);
  await recordLockAction(call, 'lock');
  await updateInstance(call.deps.db, call.row.uuid, {
    locked: 1,
    locked_by: call.caller.projectId === call.row.project_id ? 'owner' : 'admin',
    locked_reason: (reason as string | undefined) ?? null,
  });
  return accepted(call);
}

async function unlock(call: ActionCall) {
  const row = call.row;
  const expected = call.caller.projectId === row.project_id ? 'owner' : 'admin';
  // Unlocking someone else's lock (an admin's, seen by the owner) needs unlock_override.
  if (row.locked && row.locked_by && row.locked_by !== expected)
    enforceNova(call.req, 'os_compute_api:os-lock-server:unlock:unlock_override', {
      project_id: row.project_id,
      user_id: row.user_id,
    });
  await recordLockAction(call, 'unlock');
  await updateInstance(call.deps.db, row.uuid, { locked: 0, locked_by: null, locked_reason: null });
  return accepted(call);
}

async function recordLockAction(call: ActionCall, action: string): Promise<void> {
  await recordAction(call.deps.db, call.row.uuid, action, actionContextOf(call.caller));
  await finishAction(call.deps.db, call.row.uuid, action);
}

async function resetState(call: ActionCall) {
  const body = bodyObject(call, 'os-resetState');
  onlyKeys('os-resetState', body, ['state']);
  if (body.state !== 'active' && body.state !== 'error')
    throw badRequest(
      `Invalid input for field/attribute state. Value: ${body.state}. '${body.state}' is not one of ['active', 'error']`,
    );
  await recordAction(call.deps.db, call.row.uuid, 'resetState', actionContextOf(call.caller));
  await finishAction(call.deps.db, call.row.uuid, 'resetState');
  await updateInstance(call.deps.db, call.row.uuid, { vm_state: body.state, task_state: null });
  return accepted(call);
}

async function consoleOutput(call: ActionCall) {
  const body = bodyObject(call, 'os-getConsoleOutput');
  onlyKeys('os-getConsoleOutput', body, ['length']);
  let length: number | undefined;
  if (body.length !== undefined && body.length !== null) {
    const n = typeof body.length === 'string' && /^-?\d+$/.test(body.length) ? Number(body.length) : body.length;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < -1)
      throw badRequest(`Invalid input for field/attribute length. Value: ${JSON.stringify(body.length)}.`);
    if (n >= 0) length = n;
  }
  const answer = await call.deps.conductor.callAgent<{ output: string }>(call.row.uuid, AgentMethod.consoleOutput, {
    ...(length !== undefined && { length }),
  });
  return { output: answer?.output ?? '' };
}

async function rescue(call: ActionCall) {
  const mv = call.req.microversion;
  const body = bodyObject(call, 'rescue');
  onlyKeys('rescue', body, ['adminPass', 'rescue_image_ref']);
  if (body.adminPass !== undefined && typeof body.adminPass !== 'string')
    throw badRequest('Invalid input for field/attribute adminPass.');
  const row = call.row;
  if (!row.image_ref && mv.atMost('2.86')) throw badRequest('Cannot rescue a volume-backed instance');
  const imageId = typeof body.rescue_image_ref === 'string' ? body.rescue_image_ref.split('/').pop() : row.image_ref;
  const image = imageId ? await call.deps.image.show({ token: call.caller.token }, imageId) : undefined;
  if (body.rescue_image_ref !== undefined && !image) throw badRequest('Can not find requested image');
  const adminPass = (body.adminPass as string | undefined) ?? randomPassword();
  await call.deps.conductor.act(
    actRequest(call, 'rescue', AgentMethod.rescue, TaskState.rescuing, {
      // With its download, so a host that has not cached the rescue image fetches it.
      image: image ? imageSpecOf(call.deps, image, call.caller.token) : { id: imageId ?? '', properties: {} },
      admin_pass: adminPass,
    }),
  );
  return { adminPass };
}

function randomPassword(): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length: 12 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
}

export const powerActions: Record<string, ActionSpec> = {
  reboot: { policy: `${S}:reboot`, lock: true, state: 'reboot', handle: reboot },
  'os-stop': castAction(`${S}:stop`, 'stop', 'stop', AgentMethod.stop, TaskState.poweringOff),
  'os-start': castAction(`${S}:start`, 'start', 'start', AgentMethod.start, TaskState.poweringOn),
  pause: castAction('os_compute_api:os-pause-server:pause', 'pause', 'pause', AgentMethod.pause, TaskState.pausing),
  unpause: castAction(
    'os_compute_api:os-pause-server:unpause',
    'unpause',
    'unpause',
    AgentMethod.unpause,
    TaskState.unpausing,
  ),
  suspend: castAction(
    'os_compute_api:os-suspend-server:suspend',
    'suspend',
    'suspend',
    AgentMethod.suspend,
    TaskState.suspending,
  ),
  resume: castAction(
    'os_compute_api:os-suspend-server:resume',
    'resume',
    'resume',
    AgentMethod.resume,
    TaskState.resuming,
  ),
  unrescue: castAction(
    'os_compute_api:os-unrescue',
    'unrescue',
    'unrescue',
    AgentMethod.unrescue,
    TaskState.unrescuing,
  ),
  rescue: { policy: 'os_compute_api:os-rescue', lock: true, state: 'rescue', handle: rescue },
  lock: { policy: 'os_compute_api:os-lock-server:lock', handle: lock },
  unlock: { policy: 'os_compute_api:os-lock-server:unlock', handle: unlock },
  'os-resetState': { policy: 'os_compute_api:os-admin-actions:reset_state', handle: resetState },
  // The network info is refreshed from Networking's notifications already; nothing to push to the host.
  injectNetworkInfo: {
    policy: 'os_compute_api:os-admin-actions:inject_network_info',
    handle: async (call) => accepted(call),
  },
  'os-getConsoleOutput': {
    policy: 'os_compute_api:os-console-output',
    state: 'getConsoleOutput',
    handle: consoleOutput,
  },
  trigger_crash_dump: {
    policy: `${S}:trigger_crash_dump`,
    lock: true,
    versions: { min: '2.17' },
    handle: async (call) => {
      if (call.body !== null) throw badRequest('Invalid input for field/attribute trigger_crash_dump.');
      if (!['active', 'paused', 'rescued', 'resized', 'error'].includes(call.row.vm_state))
        throw conflict(
          `Cannot 'trigger_crash_dump' instance ${call.row.uuid} while it is in vm_state ${call.row.vm_state}`,
        );
      throw badRequest('Triggering crash dump is not supported');
    },
  },
  changePassword: {
    policy: 'os_compute_api:os-admin-password',
    lock: true,
    handle: async (call) => {
      const body = bodyObject(call, 'changePassword');
      onlyKeys('changePassword', body, ['adminPass']);
      if (typeof body.adminPass !== 'string')
        throw badRequest("Invalid input for field/attribute changePassword. 'adminPass' is a required property");
      if (call.row.vm_state !== 'active')
        throw conflict(
          `Cannot 'changePassword' instance ${call.row.uuid} while it is in vm_state ${call.row.vm_state}`,
        );
      throw notImplemented('Unable to set password on instance');
    },
  },
};
