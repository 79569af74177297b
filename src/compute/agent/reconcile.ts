import { PowerState, TaskState, VmState } from '../instance-state.ts';
import { type BuildFailed, type InstanceUpdate, ServerMethod, type SyncAnswer } from './rpc.ts';
import { type AgentContext, report } from './runner.ts';

/** vm_states whose instance should exist on its host (Nova's NOSTATE rule when the VM vanished). */
const SHOULD_EXIST = new Set<string>([
  VmState.active,
  VmState.paused,
  VmState.suspended,
  VmState.rescued,
  VmState.resized,
]);
const BUILDING = new Set<string>([VmState.building]);

/** What one pass leaves for the next. */
export interface ReconcileMemory {
  firstPass: boolean;
  /** Instances that were spawning here without the driver having them. */
  suspects: Set<string>;
}

export interface ReconcileResult {
  destroyed: string[];
  missing: string[];
  rescheduled: string[];
  powerFixed: string[];
}

/**
 * Brings the host and the database back in line (agent start, every reportInterval*6 s, resync fanout):
 * driver instances the database does not place here are destroyed; instances it places here that the driver
 * lacks get power_state NOSTATE (a lost build is handed back for rescheduling); power states the driver sees
 * differently are reported. Instances with local work queued or done since the pass began are left alone,
 * and the driver is listed before and after the database is asked so a move in flight is neither destroyed
 * nor reported missing.
 */
export async function reconcile(
  ctx: AgentContext,
  busy: (uuid: string) => boolean,
  touchedSince: () => Set<string>,
  memory: ReconcileMemory,
): Promise<ReconcileResult> {
  const nextSuspects = new Set<string>();
  const result: ReconcileResult = { destroyed: [], missing: [], rescheduled: [], powerFixed: [] };
  const before = new Map((await ctx.driver.listInstances()).map((i) => [i.uuid, i]));
  const answer = await ctx.server<SyncAnswer>(ServerMethod.syncInstances, { host: ctx.host });
  const after = new Map((await ctx.driver.listInstances()).map((i) => [i.uuid, i]));
  const touched = touchedSince();
  const skip = (uuid: string) => busy(uuid) || touched.has(uuid) || ctx.stopping();
  const wanted = new Map(answer.instances.map((i) => [i.uuid, i]));

  for (const [uuid, inst] of after) {
    if (wanted.has(uuid) || !before.has(uuid) || inst.kept_for_revert || skip(uuid)) continue;
    ctx.log.warn({ host: ctx.host, uuid }, 'compute agent: destroying an instance the database does not place here');
    await ctx.driver.destroy(uuid, { signal: AbortSignal.timeout(60000) });
    result.destroyed.push(uuid);
  }

  for (const db of answer.instances) {
    if (skip(db.uuid)) continue;
    const found = after.get(db.uuid) ?? before.get(db.uuid);
    if (!found) {
      // A build whose cast this host lost (the agent died while spawning). Outside the first pass after start
      // a spawning instance may just be waiting for its cast, so it must look lost on two passes in a row.
      const spawning = BUILDING.has(db.vm_state) && db.task_state === TaskState.spawning;
      if (spawning) nextSuspects.add(db.uuid);
      const lostBuild = spawning && (memory.firstPass || memory.suspects.has(db.uuid));
      if (lostBuild) {
        nextSuspects.delete(db.uuid);
        ctx.log.warn({ host: ctx.host, uuid: db.uuid }, 'compute agent: a build this host lost, handed back');
        await report(ctx, ServerMethod.buildFailed, {
          uuid: db.uuid,
          host: ctx.host,
          reason: `the compute agent on ${ctx.host} restarted and no longer has the instance`,
          reschedule: true,
        } satisfies BuildFailed);
        result.rescheduled.push(db.uuid);
      } else if (SHOULD_EXIST.has(db.vm_state) && db.task_state === null && db.power_state !== PowerState.nostate) {
        ctx.log.warn({ host: ctx.host, uuid: db.uuid }, 'compute agent: instance vanished from the hypervisor');
        await report(ctx, ServerMethod.instanceUpdate, {
          uuid: db.uuid,
          host: ctx.host,
          power_state: PowerState.nostate,
        } satisfies InstanceUpdate);
        result.missing.push(db.uuid);
      }
      continue;
    }
    if (db.task_state === null && found.power_state !== db.power_state && after.has(db.uuid)) {
      await report(ctx, ServerMethod.instanceUpdate, {
        uuid: db.uuid,
        host: ctx.host,
        power_state: found.power_state,
      } satisfies InstanceUpdate);
      result.powerFixed.push(db.uuid);
    }
  }
  memory.suspects = nextSuspects;
  memory.firstPass = false;
  return result;
}
