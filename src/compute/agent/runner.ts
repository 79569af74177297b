import type { HypervisorDriver, InstanceSpec } from '../drivers/hypervisor.ts';
import { type ActionEvent, type InstanceMessage, type InstanceUpdate, ServerMethod } from './rpc.ts';

export interface AgentLog {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
}

/** What handlers share: the host, its driver, and calls to the server. */
export interface AgentContext {
  host: string;
  node: string;
  driver: HypervisorDriver;
  log: AgentLog;
  server<T>(method: string, payload: unknown): Promise<T>;
  /** True once the agent is stopping or killed: aborted work reports nothing. */
  stopping(): boolean;
}

export type UpdateFields = Omit<InstanceUpdate, 'uuid' | 'host'>;

/** One running cast: its message, its abort signal and the task_state the server should have now. */
export interface Step {
  ctx: AgentContext;
  msg: InstanceMessage;
  uuid: string;
  spec: InstanceSpec;
  args: Record<string, unknown>;
  signal: AbortSignal;
  /** The task_state expected by the next update (the conductor's, then each one this step reported). */
  task: string | null;
  /**
   * Compare-and-set on the server. `expected_task_state` defaults to `[step.task]`; an `{ok:false}` answer
   * throws Abandoned (Nova's UnexpectedTaskStateError).
   */
  update(fields: UpdateFields): Promise<void>;
}

/** How one AgentMethod cast runs (see docs/plans/compute-agent-transitions.md). */
export interface CastHandler {
  /** Defaults to `compute_<method>`. */
  event?: string;
  /** The task_state the conductor set before casting. */
  task: string | null;
  run(step: Step): Promise<void>;
  /** vm_state reported with the fault when the driver fails (unchanged when absent). */
  errorVmState?: string;
  /** Replaces the default failure update (task_state null with the fault); runs before the finish event. */
  onFailure?(step: Step, err: unknown): Promise<void>;
  /** Runs after the finish event of a failed step (build_failed, snapshot_done). */
  afterFailure?(step: Step, err: unknown): Promise<void>;
  /** Runs when a delete of the instance cut the step short (a snapshot gives its image up). */
  onPreempted?(step: Step, err: unknown): Promise<void>;
  /** Cleans up after the server refused an update (a build destroys what it spawned). */
  onAbandon?(step: Step): Promise<void>;
}

export class Abandoned extends Error {
  constructor(uuid: string, expected: (string | null)[]) {
    super(`UnexpectedTaskStateError: instance ${uuid} is no longer in task_state ${JSON.stringify(expected)}`);
    this.name = 'Abandoned';
  }
}

export const traceback = (err: unknown): string =>
  err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
export const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Calls the server, logging instead of throwing: a lost report must not stop the step's cleanup. */
export async function report(ctx: AgentContext, method: string, payload: unknown): Promise<unknown> {
  try {
    return await ctx.server(method, payload);
  } catch (err) {
    if (!ctx.stopping()) ctx.log.warn({ err, host: ctx.host, method }, 'compute agent: report failed');
    return undefined;
  }
}

/**
 * Runs one instance cast the way Nova's wrap_instance_event + the manager do: start event, the handler's
 * driver steps and compare-and-set updates, finish event with Success or Error (and the traceback).
 */
export async function runCast(
  ctx: AgentContext,
  method: string,
  msg: InstanceMessage,
  signal: AbortSignal,
  h: CastHandler,
): Promise<void> {
  const uuid = msg.instance.uuid;
  const eventName = h.event ?? `compute_${method}`;
  const event = (phase: 'start' | 'finish', result?: 'Success' | 'Error', tb?: string) =>
    report(ctx, ServerMethod.actionEvent, {
      uuid,
      request_id: msg.context.request_id,
      event: eventName,
      phase,
      host: ctx.host,
      ...(result && { result }),
      ...(tb && { traceback: tb }),
    } satisfies ActionEvent);

  const step: Step = {
    ctx,
    msg,
    uuid,
    spec: msg.instance,
    args: msg.args ?? {},
    signal,
    task: h.task,
    async update(fields) {
      const expected = fields.expected_task_state ?? [step.task];
      const body: InstanceUpdate = { uuid, host: ctx.host, ...fields, expected_task_state: expected };
      const answer = await ctx.server<{ ok: boolean }>(ServerMethod.instanceUpdate, body);
      if (answer && answer.ok === false) throw new Abandoned(uuid, expected);
      if ('task_state' in fields) step.task = fields.task_state ?? null;
    },
  };

  await event('start');
  try {
    await h.run(step);
    await event('finish', 'Success');
  } catch (err) {
    if (ctx.stopping()) {
      ctx.log.info({ host: ctx.host, uuid, method, err: message(err) }, 'compute agent: step cut short by shutdown');
      return;
    }
    if (err instanceof Abandoned) {
      ctx.log.info({ host: ctx.host, uuid, method }, `compute agent: ${err.message}, step abandoned`);
      await h.onAbandon?.(step).catch((e) => ctx.log.warn({ err: e, uuid }, 'compute agent: cleanup failed'));
      await event('finish', 'Error', traceback(err));
      return;
    }
    if (signal.aborted) {
      // Preempted by a delete of the same instance: the terminate that follows cleans up and reports.
      ctx.log.info({ host: ctx.host, uuid, method }, 'compute agent: step aborted by a delete');
      await event('finish', 'Error', traceback(err));
      await h.onPreempted?.(step, err).catch((e) => ctx.log.warn({ err: e, uuid }, 'compute agent: report failed'));
      return;
    }
    ctx.log.warn({ err, host: ctx.host, uuid, method }, 'compute agent: step failed');
    try {
      if (h.onFailure) await h.onFailure(step, err);
      else
        await step.update({
          expected_task_state: [step.task],
          task_state: null,
          ...(h.errorVmState && { vm_state: h.errorVmState }),
          fault: { code: 500, message: message(err), details: traceback(err) },
        });
    } catch (e) {
      ctx.log.warn({ err: e, host: ctx.host, uuid, method }, 'compute agent: failure report failed');
    }
    await event('finish', 'Error', traceback(err));
    await h.afterFailure?.(step, err).catch((e) => ctx.log.warn({ err: e, uuid }, 'compute agent: report failed'));
  }
}
