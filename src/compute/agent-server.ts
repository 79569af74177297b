import { setTimeout as sleep } from 'node:timers/promises';
import type { Subscription } from '../core/bus/bus.ts';
import {
  type ActionEvent,
  type BuildFailed,
  type InstanceUpdate,
  SERVER_TOPIC,
  ServerMethod,
  type StateReport,
  type SyncAnswer,
} from './agent/rpc.ts';
import {
  type BuildInstancesMessage,
  buildInstance,
  buildsInConductor,
  CONDUCTOR_TOPIC,
  ConductorMethod,
  handleBuildFailed,
  setBuildError,
} from './build-flow.ts';
import type { ComputeDeps } from './deps.ts';
import { aggregateUuidsOf, inventoryOf, recordHostReport } from './host-records.ts';
import { finishEvent, startEvent } from './instance-actions-store.ts';
import { casInstance, liveInstance } from './instance-cas.ts';
import { finalizeDelete, forgetAdminPass } from './instance-finalize.ts';
import { buildInstanceSpec } from './instance-spec.ts';
import { hostMayReport, planMoveUpdate } from './migration-flow.ts';
import { actionOfEvent, notifyInstance } from './notifications.ts';
import { dropShelvedSnapshot } from './shelved-snapshot.ts';
import type { InstanceRow } from './tables.ts';

/** Milliseconds before a failed inventory report is tried again (Placement or the service user not ready yet). */
const PLACEMENT_RETRY_MS = 250;

/**
 * Builds the conductor runs at once. Like Nova's conductor workers: a burst of creates is answered first and
 * built after, instead of every build competing with the API requests for the same cores.
 */
const BUILD_WORKERS = 4;

function workerPool(size: number) {
  let busy = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (busy >= size) await new Promise<void>((resolve) => waiting.push(resolve));
      busy++;
      try {
        return await work();
      } finally {
        busy--;
        waiting.shift()?.();
      }
    },
  };
}

/**
 * The server's side of the agent RPC (topic `compute`) and the conductor's work queue (topic
 * `compute-conductor`): heartbeats become service, node and Placement records; instance updates are
 * compare-and-set writes that also drive the next step of deletes, resizes and migrations; action events
 * become instance action events; failed builds are rescheduled. Any server process may consume either topic.
 */
export function serveComputeAgents(deps: ComputeDeps): Subscription {
  const placementReported = new Map<string, string>();
  const pendingReports = new Map<string, { report: StateReport; uuid: string }>();
  const reporting = new Map<string, Promise<void>>();
  const warned = new Set<string>();
  const builds = workerPool(BUILD_WORKERS);
  let stopped = false;

  /** Reports the host to Placement when what it reports changed; throws when Placement did not take it. */
  async function reportToPlacement(report: StateReport, uuid: string): Promise<void> {
    const host = {
      uuid,
      name: report.node || report.host,
      inventory: inventoryOf(deps, report),
      traits: [...new Set(report.traits ?? [])].sort(),
      aggregates: await aggregateUuidsOf(deps, report.host),
    };
    const signature = JSON.stringify(host);
    // Only what changed goes to Placement, so a heartbeat stays a couple of local writes.
    if (placementReported.get(report.host) === signature) return;
    await deps.placement.reportHost(host);
    placementReported.set(report.host, signature);
    warned.delete(report.host);
  }

  /**
   * The heartbeat never waits for Placement (a slow or not yet reachable Placement must not make the host look
   * down): each host has one reporting loop that sends its newest report and retries until Placement takes it.
   */
  function queuePlacementReport(report: StateReport, uuid: string): void {
    pendingReports.set(report.host, { report, uuid });
    if (reporting.has(report.host)) return;
    const loop = (async () => {
      while (!stopped) {
        const next = pendingReports.get(report.host);
        if (!next) return;
        pendingReports.delete(report.host);
        try {
          await reportToPlacement(next.report, next.uuid);
        } catch (err) {
          // Expected for a moment at start (the service user is made after the listener is up): warn once.
          const level = warned.has(report.host) ? 'debug' : 'warn';
          warned.add(report.host);
          deps.log[level]({ err, host: report.host }, 'compute host inventory not reported to placement; retrying');
          if (!pendingReports.has(report.host)) pendingReports.set(report.host, next);
          await sleep(PLACEMENT_RETRY_MS);
        }
      }
    })();
    reporting.set(
      report.host,
      loop.finally(() => reporting.delete(report.host)),
    );
  }

  async function instanceUpdate(u: InstanceUpdate): Promise<{ ok: boolean }> {
    const before = await liveInstance(deps.db, u.uuid);
    if (!before) return { ok: false };
    // A host that lost the instance (rescheduled elsewhere, moved) must not overwrite what the new one reports.
    if (!(await hostMayReport(deps.db, before, u.host))) return { ok: false };
    // The compare-and-set below settles races; this early look keeps a stale report from moving allocations.
    if (u.expected_task_state && !u.expected_task_state.includes(before.task_state)) return { ok: false };
    const patch: Partial<InstanceRow> = {};
    if (u.vm_state !== undefined) patch.vm_state = u.vm_state;
    if ('task_state' in u) patch.task_state = u.task_state ?? null;
    if (u.power_state !== undefined) patch.power_state = u.power_state;
    if (u.launched_at !== undefined) patch.launched_at = u.launched_at;
    if (u.new_host) {
      patch.host = u.new_host;
      patch.node = u.new_node ?? u.new_host;
    }
    if (u.offloaded) {
      patch.host = null;
      patch.node = null;
    }
    if (u.fault) patch.fault = JSON.stringify({ ...u.fault, created: new Date().toISOString() });
    const move = await planMoveUpdate(deps, before, u);
    Object.assign(patch, move?.patch);
    // Allocations settle before the new state is visible (a client that sees SHELVED_OFFLOADED or a reverted
    // ACTIVE server and then asks Placement finds what that state means).
    await move?.beforeCommit?.();
    if (u.offloaded)
      await deps.placement.release(u.uuid).catch((err) => deps.log.warn({ err }, 'release after offload failed'));
    const applied = await deps.db.transaction().execute(async (tx) => {
      if (!(await casInstance(tx, u.uuid, u.expected_task_state, patch))) return false;
      if (move?.migrationStatus)
        await tx
          .updateTable('instance_migrations')
          .set({ status: move.migrationStatus.status, updated_at: new Date().toISOString() })
          .where('id', '=', move.migrationStatus.id)
          .execute();
      return true;
    });
    if (!applied) return { ok: false };
    const after = { ...before, ...patch };
    if (patch.vm_state !== undefined || 'task_state' in patch)
      await notifyInstance(deps.bus, 'update', null, after, {
        old_state: before.vm_state,
        old_task_state: before.task_state,
      });

    if (u.vm_state === 'deleted') {
      await finalizeDelete(deps, u.uuid);
      return { ok: true };
    }
    if (before.vm_state === 'building' && u.vm_state && u.vm_state !== 'building') forgetAdminPass(u.uuid);
    // Back from a shelve: the snapshot it was spawned from is no longer needed.
    if (before.task_state === 'unshelving' && patch.task_state === null) await dropShelvedSnapshot(deps, u.uuid);
    await move?.afterCommit?.();
    return { ok: true };
  }

  async function actionEvent(e: ActionEvent): Promise<{ ok: boolean }> {
    const ref = { uuid: e.uuid, request_id: e.request_id };
    if (e.phase === 'start') await startEvent(deps.db, ref, e.event, e.host);
    else
      await finishEvent(deps.db, ref, e.event, {
        result: e.result ?? 'Success',
        traceback: e.traceback ?? null,
        host: e.host,
      });
    const row = await deps.db.selectFrom('instances').selectAll().where('uuid', '=', e.uuid).executeTakeFirst();
    if (row) {
      const phase = e.phase === 'start' ? 'start' : e.result === 'Error' ? 'error' : 'end';
      await notifyInstance(deps.bus, actionOfEvent(e.event), phase, { ...row, host: row.host ?? e.host });
    }
    return { ok: true };
  }

  async function syncInstances({ host }: { host: string }): Promise<SyncAnswer> {
    const rows = await deps.db
      .selectFrom('instances')
      .selectAll()
      .where('host', '=', host)
      .where('deleted', '=', 0)
      .execute();
    const instances: SyncAnswer['instances'] = [];
    for (const row of rows)
      instances.push({
        uuid: row.uuid,
        vm_state: row.vm_state,
        task_state: row.task_state,
        power_state: row.power_state,
        spec: await buildInstanceSpec(deps.db, row),
      });
    return { instances };
  }

  async function snapshotDone(d: { uuid: string; image_id: string; ok: boolean; error?: string }) {
    if (d.ok) return { ok: true };
    deps.log.warn({ instance: d.uuid, image: d.image_id, error: d.error }, 'snapshot failed; deleting its image');
    if (d.image_id)
      await deps.image.delete({}, d.image_id).catch((err) => deps.log.warn({ err }, 'deleting a failed snapshot'));
    await casInstance(
      deps.db,
      d.uuid,
      ['image_snapshot', 'image_snapshot_pending', 'image_pending_upload', 'image_uploading', 'image_backup'],
      { task_state: null },
    );
    return { ok: true };
  }

  const subs = [
    deps.bus.serve(
      { topic: SERVER_TOPIC },
      {
        [ServerMethod.reportState]: async (payload) => {
          const report = payload as StateReport;
          const uuid = await recordHostReport(deps, report);
          queuePlacementReport(report, uuid);
          return { ok: true };
        },
        [ServerMethod.instanceUpdate]: (payload) => instanceUpdate(payload as InstanceUpdate),
        [ServerMethod.actionEvent]: (payload) => actionEvent(payload as ActionEvent),
        [ServerMethod.buildFailed]: async (payload) => {
          await handleBuildFailed(deps, payload as BuildFailed);
          return { ok: true };
        },
        [ServerMethod.syncInstances]: (payload) => syncInstances(payload as { host: string }),
        [ServerMethod.snapshotDone]: (payload) =>
          snapshotDone(payload as { uuid: string; image_id: string; ok: boolean; error?: string }),
      },
    ),
    deps.bus.serve(
      { topic: CONDUCTOR_TOPIC },
      {
        [ConductorMethod.buildInstances]: async (payload) => {
          const msg = payload as BuildInstancesMessage;
          // One at a time: each build's claim is in Placement before the next one is weighed (RAM spread).
          for (const uuid of msg.uuids) buildsInConductor.add(uuid);
          for (const uuid of msg.uuids) {
            try {
              await builds.run(() => buildInstance(deps, msg.context, uuid));
            } catch (err) {
              deps.log.error({ err, instance: uuid }, 'build failed in the conductor');
              await setBuildError(deps, uuid, {
                message: `Build of instance ${uuid} failed: ${(err as Error).message}`,
              }).catch(() => {});
            } finally {
              buildsInConductor.delete(uuid);
            }
          }
        },
      },
    ),
  ];
  return {
    unsubscribe() {
      stopped = true;
      for (const s of subs) s.unsubscribe();
    },
  };
}
