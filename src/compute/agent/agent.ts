import type { Bus, Handlers, Subscription } from '../../core/bus/bus.ts';
import type { HypervisorDriver } from '../drivers/hypervisor.ts';
import { CAST_METHODS, castHandler } from './handlers.ts';
import { type ReconcileMemory, type ReconcileResult, reconcile } from './reconcile.ts';
import { AGENT_TOPIC, AgentMethod, type InstanceMessage, SERVER_TOPIC, ServerMethod } from './rpc.ts';
import { type AgentContext, type AgentLog, runCast } from './runner.ts';
import { stateReport } from './state-report.ts';

export type { AgentLog } from './runner.ts';

export interface ComputeAgentOptions {
  bus: Bus;
  host: string;
  driver: HypervisorDriver;
  log: AgentLog;
  /** Seconds between heartbeats; reconcile runs every 6 of them. */
  reportInterval: number;
  callTimeoutMs?: number;
  /** The hypervisor node name; the host name by default (one node per host). */
  node?: string;
}

export interface ComputeAgent {
  readonly host: string;
  start(): Promise<void>;
  /** Clean shutdown: stops consuming, aborts running driver steps (which report nothing), closes the driver. */
  stop(): Promise<void>;
  /** A crash, for tests: consuming and reporting end at once; the driver's state stays for a successor. */
  kill(): void;
  /** Resolves once every cast received so far has been handled. */
  idle(): Promise<void>;
  /** Reconciles the driver with the database now. */
  resync(): Promise<ReconcileResult | undefined>;
}

interface Lane {
  tail: Promise<void>;
  pending: number;
  /** Aborted when a delete of the instance preempts what is queued before it. */
  controller: AbortController;
}

class AgentDown extends Error {
  constructor(host: string) {
    super(`compute agent ${host} is not running`);
  }
}

/**
 * One host's compute agent (Nova's nova-compute): consumes `compute-agent.<host>`, runs each instance's casts
 * one at a time (instances in parallel) through the hypervisor driver, reports states, action events and
 * heartbeats to the server over the bus, and reconciles the hypervisor with what the database places here.
 */
export function createComputeAgent(o: ComputeAgentOptions): ComputeAgent {
  const timeoutMs = o.callTimeoutMs ?? 30000;
  const node = o.node ?? o.host;
  const lanes = new Map<string, Lane>();
  let touched = new Set<string>();
  const memory: ReconcileMemory = { firstPass: true, suspects: new Set() };
  let subs: Subscription[] = [];
  let timers: NodeJS.Timeout[] = [];
  let life = new AbortController();
  let running = false;
  let down = true;
  let startFlag = true;
  let reconciling: Promise<ReconcileResult | undefined> | undefined;

  const ctx: AgentContext = {
    host: o.host,
    node,
    driver: o.driver,
    log: o.log,
    server: <T>(method: string, payload: unknown) =>
      down
        ? Promise.reject(new AgentDown(o.host))
        : o.bus.call<T>({ topic: SERVER_TOPIC }, method, payload, { timeoutMs, signal: life.signal }),
    stopping: () => down,
  };

  /** Queues `fn` behind the instance's earlier casts; a failure is logged, never stops the lane. */
  function enqueue(uuid: string, what: string, fn: (signal: AbortSignal) => Promise<void>, preempt = false) {
    let lane = lanes.get(uuid);
    if (!lane) {
      lane = { tail: Promise.resolve(), pending: 0, controller: new AbortController() };
      lanes.set(uuid, lane);
    }
    if (preempt) {
      lane.controller.abort(new Error(`instance ${uuid} is being deleted`));
      lane.controller = new AbortController();
    }
    const l = lane;
    const signal = AbortSignal.any([life.signal, l.controller.signal]);
    l.pending++;
    touched.add(uuid);
    l.tail = l.tail
      .then(() => fn(signal))
      .catch((err) => o.log.warn({ err, host: o.host, uuid }, `compute agent: ${what} failed`))
      .finally(() => {
        touched.add(uuid);
        if (--l.pending === 0 && lanes.get(uuid) === l) lanes.delete(uuid);
      });
    return l.tail;
  }

  function castHandlers(): Handlers {
    const handlers: Handlers = {};
    for (const method of CAST_METHODS) {
      handlers[method] = (payload) => {
        const msg = payload as InstanceMessage;
        const h = castHandler(method);
        if (!h || !msg?.instance?.uuid) {
          o.log.warn({ host: o.host, method }, 'compute agent: malformed cast ignored');
          return;
        }
        void enqueue(
          msg.instance.uuid,
          method,
          (signal) => runCast(ctx, method, msg, signal, h),
          method === AgentMethod.terminate,
        );
      };
    }
    return handlers;
  }

  function callHandlers(): Handlers {
    const uuidOf = (p: unknown) => (p as InstanceMessage).instance.uuid;
    const args = (p: unknown) => (p as InstanceMessage).args ?? {};
    return {
      [AgentMethod.consoleOutput]: async (p) => {
        const length = args(p).length;
        const n = length === undefined || length === null ? undefined : Number(length);
        return { output: await o.driver.consoleOutput(uuidOf(p), Number.isFinite(n) ? n : undefined) };
      },
      [AgentMethod.remoteConsole]: (p) =>
        o.driver.remoteConsole(uuidOf(p), (args(p).kind ?? 'vnc') as 'serial' | 'vnc' | 'spice' | 'rdp' | 'mks'),
      [AgentMethod.diagnostics]: (p) => o.driver.diagnostics(uuidOf(p)),
      [AgentMethod.resync]: () => {
        void resync();
      },
    };
  }

  async function heartbeat(): Promise<void> {
    if (down) return;
    try {
      await ctx.server(ServerMethod.reportState, await stateReport(o.host, node, o.driver, startFlag));
      startFlag = false;
    } catch (err) {
      if (!down) o.log.warn({ err, host: o.host }, 'compute agent: state report failed');
    }
  }

  function resync(): Promise<ReconcileResult | undefined> {
    if (down) return Promise.resolve(undefined);
    // One pass at a time; a resync asked during a pass gets that pass's result.
    reconciling ??= (async () => {
      touched = new Set();
      try {
        return await reconcile(
          ctx,
          (uuid) => lanes.has(uuid),
          () => touched,
          memory,
        );
      } catch (err) {
        if (!down) o.log.warn({ err, host: o.host }, 'compute agent: reconcile failed');
        return undefined;
      } finally {
        reconciling = undefined;
      }
    })();
    return reconciling;
  }

  function halt(): void {
    down = true;
    running = false;
    for (const t of timers) clearInterval(t);
    timers = [];
    for (const s of subs) s.unsubscribe();
    subs = [];
    life.abort(new AgentDown(o.host));
  }

  async function idle(): Promise<void> {
    while (lanes.size > 0 || reconciling) {
      await Promise.all([...[...lanes.values()].map((l) => l.tail), reconciling]);
    }
  }

  return {
    host: o.host,
    async start() {
      if (running) return;
      running = true;
      down = false;
      startFlag = true;
      life = new AbortController();
      memory.firstPass = true;
      await o.driver.init(o.host, { signal: life.signal });
      subs = [
        o.bus.serve({ topic: AGENT_TOPIC, server: o.host }, { ...castHandlers(), ...callHandlers() }),
        o.bus.listenFanout(AGENT_TOPIC, { [AgentMethod.resync]: () => void resync() }),
      ];
      await heartbeat();
      await resync();
      const beat = setInterval(() => void heartbeat(), o.reportInterval * 1000);
      const sweep = setInterval(() => void resync(), o.reportInterval * 6 * 1000);
      beat.unref();
      sweep.unref();
      timers = [beat, sweep];
      o.log.info({ host: o.host, driver: o.driver.describe() }, 'compute agent started');
    },
    async stop() {
      if (!running) return;
      halt();
      await idle();
      await o.driver.close();
    },
    kill() {
      if (!running) return;
      halt();
      // Like a dead process: nothing more is reported; the driver's file stays for the next agent.
      void idle().then(() => o.driver.close());
    },
    idle,
    resync,
  };
}
