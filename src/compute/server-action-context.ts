import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ActRequest } from './conductor-contract.ts';
import type { ComputeDeps } from './deps.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import { checkState } from './instance-state.ts';
import { visibleInstanceOr404 } from './instance-store.ts';
import { actionContextOf, enforceNova, instanceTarget, type ServerCaller, serverCallerOf } from './server-access.ts';
import type { InstanceRow } from './tables.ts';

/** One `POST /servers/{id}/action` call, after the server was found (404) and its policy allowed it. */
export interface ActionCall {
  req: FastifyRequest;
  reply: FastifyReply;
  deps: ComputeDeps;
  caller: ServerCaller;
  row: InstanceRow;
  /** The value under the action's key (`{"reboot": {...}}` → `{...}`). */
  body: unknown;
}

export type ActionHandler = (call: ActionCall) => Promise<unknown>;

export interface ActionSpec {
  /** Nova's policy rule of the action. */
  policy: string;
  /** Refuse on a locked server (409) unless the caller is an admin, as Nova's check_instance_lock. */
  lock?: boolean;
  /** The ACTION_GUARDS entry to check (409 on a wrong state). */
  state?: string;
  /** The microversions the action exists at; outside them Nova has no such action (404). */
  versions?: { min?: string; max?: string };
  handle: ActionHandler;
}

/** Runs the common checks in Nova's order (exists, policy, lock, state), then the action. */
export async function runAction(
  req: FastifyRequest,
  reply: FastifyReply,
  deps: ComputeDeps,
  uuid: string,
  name: string,
  spec: ActionSpec,
  body: unknown,
): Promise<unknown> {
  const caller = serverCallerOf(req);
  const row = await visibleInstanceOr404(deps.db, caller, uuid);
  enforceNova(req, spec.policy, instanceTarget(row));
  if (spec.lock) checkLock(row, caller);
  if (spec.state) checkState(spec.state, row);
  const { min, max } = spec.versions ?? {};
  if ((min && !req.microversion.atLeast(min)) || (max && !req.microversion.atMost(max)))
    throw notFound(`The action ${name} is not available at this microversion.`);
  return spec.handle({ req, reply, deps, caller, row, body });
}

export function checkLock(row: InstanceRow, caller: ServerCaller): void {
  if (row.locked && !caller.isAdmin) throw conflict(`Instance ${row.uuid} is locked`);
}

/** An ActRequest for the conductor, comparing-and-setting from the task state the API saw. */
export function actRequest(
  call: ActionCall,
  action: string,
  method: string,
  taskState: string | null,
  args?: Record<string, unknown>,
): ActRequest {
  return {
    context: actionContextOf(call.caller),
    uuid: call.row.uuid,
    action,
    method,
    taskState,
    expectedTaskState: [call.row.task_state],
    args,
  };
}

/** The action's body as an object (`null` and absent count as `{}`); anything else is a 400. */
export function bodyObject(call: ActionCall, action: string): Record<string, unknown> {
  if (call.body === null || call.body === undefined) return {};
  if (typeof call.body !== 'object' || Array.isArray(call.body))
    throw badRequest(
      `Invalid input for field/attribute ${action}. Value: ${JSON.stringify(call.body)}. is not of type 'object'`,
    );
  return call.body as Record<string, unknown>;
}

/** Nova's additionalProperties: false on an action body. */
export function onlyKeys(action: string, body: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(body).find((k) => !allowed.includes(k));
  if (extra)
    throw badRequest(
      `Invalid input for field/attribute ${action}. Value: ${JSON.stringify(body)}. Additional properties are not allowed ('${extra}' was unexpected)`,
    );
}

/** 202 with no body, Nova's answer to most actions. */
export const accepted = (call: ActionCall): FastifyReply => call.reply.code(202).send();

/** An action that only casts `method` to the host with a first task state (stop, start, pause, ...): 202. */
export const castAction = (
  policy: string,
  state: string,
  action: string,
  method: string,
  taskState: string,
): ActionSpec => ({
  policy,
  lock: true,
  state,
  handle: async (call) => {
    await call.deps.conductor.act(actRequest(call, action, method, taskState));
    return accepted(call);
  },
});
