import { PowerState, TaskState as T, VmState as V } from '../instance-state.ts';
import { moveHandlers } from './handlers-move.ts';
import { AgentMethod, type BuildFailed, type InterfaceArgs, type RescueArgs, ServerMethod } from './rpc.ts';
import { type CastHandler, message, report, type Step } from './runner.ts';

const now = () => new Date().toISOString();

/** A driver step between two task states, ending in `final` (the shape of most actions). */
function simple(
  task: string,
  expected: (string | null)[],
  drive: (s: Step) => Promise<void>,
  final: { vm_state: string; power_state: number },
): CastHandler {
  return {
    task,
    async run(s) {
      s.task = task;
      await drive(s);
      await s.update({ expected_task_state: expected, task_state: null, ...final });
    },
  };
}

const running = { vm_state: V.active, power_state: PowerState.running };

function reboot(): CastHandler {
  return {
    task: T.rebooting,
    async run(s) {
      const hard = String(s.args.type ?? 'SOFT').toUpperCase() === 'HARD';
      const expected = hard
        ? [T.rebootingHard, T.rebootPendingHard, T.rebootStartedHard]
        : [T.rebooting, T.rebootPending, T.rebootStarted];
      const started = hard ? T.rebootStartedHard : T.rebootStarted;
      s.task = hard ? T.rebootingHard : T.rebooting;
      await s.update({ expected_task_state: expected, task_state: started });
      await s.ctx.driver.reboot(s.uuid, hard ? 'HARD' : 'SOFT', s);
      await s.update({ expected_task_state: [started], task_state: null, ...running });
    },
  };
}

/** Build and unshelve: spawn, then report where and when it runs. */
function spawn(task: string, build: boolean): CastHandler {
  let spawned = false;
  return {
    ...(build && { event: 'compute__do_build_and_run_instance' }),
    task,
    async run(s) {
      await s.ctx.driver.spawn(s.spec, s);
      spawned = true;
      const on = s.spec.powerOn !== false;
      await s.update({
        expected_task_state: [task],
        vm_state: on ? V.active : V.stopped,
        task_state: null,
        power_state: on ? PowerState.running : PowerState.shutdown,
        node: s.ctx.node,
        ...(build && { launched_at: now() }),
      });
    },
    async onAbandon(s) {
      // The server was deleted (or taken over) while spawning: nothing may stay behind on this host.
      if (spawned || build) await s.ctx.driver.destroy(s.uuid, { signal: AbortSignal.timeout(60000) });
    },
    ...(build && {
      async onFailure(s: Step) {
        await s.ctx.driver
          .destroy(s.uuid, { signal: AbortSignal.timeout(60000) })
          .catch((err) => s.ctx.log.warn({ err, uuid: s.uuid }, 'compute agent: cleanup of a failed build failed'));
      },
      async afterFailure(s: Step, err: unknown) {
        await report(s.ctx, ServerMethod.buildFailed, {
          uuid: s.uuid,
          host: s.ctx.host,
          reason: message(err),
          reschedule: true,
        } satisfies BuildFailed);
      },
    }),
  };
}

function iface(attach: boolean): CastHandler {
  return {
    task: null,
    async run(s) {
      const { vif } = s.args as unknown as InterfaceArgs;
      if (attach) await s.ctx.driver.attachInterface(s.uuid, vif, s);
      else await s.ctx.driver.detachInterface(s.uuid, vif, s);
    },
    // No task state to reset: the failed event is what the API and Tempest see.
    onFailure: async () => {},
  };
}

/** Handlers per AgentMethod cast. Fresh objects per message (a build remembers whether it spawned). */
export function castHandler(method: string): CastHandler | undefined {
  const d = (s: Step) => s.ctx.driver;
  switch (method) {
    case AgentMethod.buildAndRun:
      return spawn(T.spawning, true);
    case AgentMethod.unshelve:
      return spawn(T.unshelving, false);
    case AgentMethod.terminate:
      return {
        ...simple(T.deleting, [T.deleting], (s) => d(s).destroy(s.uuid, s), {
          vm_state: V.deleted,
          power_state: PowerState.nostate,
        }),
        errorVmState: V.error,
      };
    case AgentMethod.reboot:
      return reboot();
    case AgentMethod.stop:
      return simple(T.poweringOff, [T.poweringOff], (s) => d(s).powerOff(s.uuid, s), {
        vm_state: V.stopped,
        power_state: PowerState.shutdown,
      });
    case AgentMethod.start:
      return simple(T.poweringOn, [T.poweringOn], (s) => d(s).powerOn(s.uuid, s), running);
    case AgentMethod.pause:
      return simple(T.pausing, [T.pausing], (s) => d(s).pause(s.uuid, s), {
        vm_state: V.paused,
        power_state: PowerState.paused,
      });
    case AgentMethod.unpause:
      return simple(T.unpausing, [T.unpausing], (s) => d(s).unpause(s.uuid, s), running);
    case AgentMethod.suspend:
      return simple(T.suspending, [T.suspending], (s) => d(s).suspend(s.uuid, s), {
        vm_state: V.suspended,
        power_state: PowerState.suspended,
      });
    case AgentMethod.resume:
      return simple(T.resuming, [T.resuming], (s) => d(s).resume(s.uuid, s), running);
    case AgentMethod.rescue:
      return simple(
        T.rescuing,
        [T.rescuing],
        (s) => {
          const a = s.args as unknown as RescueArgs;
          return d(s).rescue(s.uuid, { image: a.image ?? s.spec.image, adminPass: a.admin_pass }, s);
        },
        { vm_state: V.rescued, power_state: PowerState.running },
      );
    case AgentMethod.unrescue:
      return simple(T.unrescuing, [T.unrescuing], (s) => d(s).unrescue(s.uuid, s), running);
    case AgentMethod.rebuild:
      return {
        task: T.rebuilding,
        errorVmState: V.error,
        async run(s) {
          // Nova keeps a stopped server stopped through a rebuild.
          const before = (await d(s).listInstances()).find((i) => i.uuid === s.uuid);
          const stopped =
            typeof s.args.preserve_stopped === 'boolean'
              ? s.args.preserve_stopped
              : before?.power_state === PowerState.shutdown;
          await s.update({ expected_task_state: [T.rebuilding], task_state: T.rebuildSpawning });
          await d(s).rebuild({ ...s.spec, powerOn: !stopped }, s);
          await s.update({
            expected_task_state: [T.rebuildSpawning],
            task_state: null,
            vm_state: stopped ? V.stopped : V.active,
            power_state: stopped ? PowerState.shutdown : PowerState.running,
            launched_at: now(),
          });
        },
      };
    case AgentMethod.attachInterface:
      return iface(true);
    case AgentMethod.detachInterface:
      return iface(false);
    default:
      return moveHandlers(method);
  }
}

/** Every cast method the agent consumes (calls and resync are served separately). */
export const CAST_METHODS: string[] = [
  AgentMethod.buildAndRun,
  AgentMethod.unshelve,
  AgentMethod.terminate,
  AgentMethod.reboot,
  AgentMethod.stop,
  AgentMethod.start,
  AgentMethod.pause,
  AgentMethod.unpause,
  AgentMethod.suspend,
  AgentMethod.resume,
  AgentMethod.rescue,
  AgentMethod.unrescue,
  AgentMethod.rebuild,
  AgentMethod.attachInterface,
  AgentMethod.detachInterface,
  AgentMethod.resize,
  AgentMethod.finishResize,
  AgentMethod.confirmResize,
  AgentMethod.revertResize,
  AgentMethod.finishRevertResize,
  AgentMethod.snapshot,
  AgentMethod.shelve,
  AgentMethod.shelveOffload,
  AgentMethod.liveMigrate,
];
