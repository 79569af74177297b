import { BusTimeout, NoConsumer } from '../core/bus/bus.ts';
import { hostIsUp, startAction } from './action-start.ts';
import { type ActionContext, AGENT_TOPIC, AgentMethod, type InstanceMessage } from './agent/rpc.ts';
import { castBuild, imageSpecOf } from './build-flow.ts';
import type { ActRequest, Conductor } from './conductor-contract.ts';
import type { ComputeDeps } from './deps.ts';
import type { ImageSpec } from './drivers/hypervisor.ts';
import { conflict, instanceNotFound } from './errors.ts';
import { recordAction } from './instance-actions-store.ts';
import { casInstance, liveInstance } from './instance-cas.ts';
import { finalizeDelete } from './instance-finalize.ts';
import { buildInstanceSpec, loadRequestSpec, saveRequestSpec } from './instance-spec.ts';
import { currentMigration } from './migration-flow.ts';
import { liveMigrate, resize, unshelve } from './move-requests.ts';
import { notifyInstance } from './notifications.ts';
import type { InstanceRow } from './tables.ts';

const CALL_TIMEOUT_MS = 30000;

/** Where a method runs: confirm goes to the resize's source, everything else to the instance's host. */
async function targetHostOf(deps: ComputeDeps, row: InstanceRow, method: string) {
  if (method === AgentMethod.confirmResize) {
    const m = await currentMigration(deps.db, row.uuid);
    return { host: m?.source_compute ?? row.host, migration: m };
  }
  if (method === AgentMethod.revertResize)
    return { host: row.host, migration: await currentMigration(deps.db, row.uuid) };
  return { host: row.host, migration: undefined };
}

/** Fills in what the agent needs beyond the API's arguments (upload target of a snapshot, offload of a shelve). */
async function argsFor(deps: ComputeDeps, req: ActRequest, row: InstanceRow, migrationUuid?: string) {
  const args: Record<string, unknown> = { ...req.args };
  if ((req.method === AgentMethod.snapshot || req.method === AgentMethod.shelve) && args.image_id && !args.upload)
    args.upload = {
      url: deps.image.fileUrl(String(args.image_id)),
      token: req.context.token ?? (await deps.services.token()),
    };
  if (req.method === AgentMethod.shelve && args.offload === undefined)
    args.offload = deps.config.compute.shelvedOffloadTime === 0;
  if (req.method === AgentMethod.confirmResize || req.method === AgentMethod.revertResize) {
    args.migration_uuid ??= migrationUuid;
    args.was_stopped ??= row.power_state === 4;
  }
  return args;
}

/** The image a rebuild spawns from (the row's new image_ref), kept in the request spec for later steps. */
async function rebuildImage(deps: ComputeDeps, row: InstanceRow, token?: string): Promise<ImageSpec | undefined> {
  if (!row.image_ref) return undefined;
  const image = await deps.image.show({ token }, row.image_ref).catch(() => undefined);
  if (!image) return undefined;
  const spec = imageSpecOf(deps, image, token);
  const stored = await loadRequestSpec(deps.db, row.uuid);
  if (stored) await saveRequestSpec(deps.db, { ...stored, image: { ...spec, download: undefined } });
  return spec;
}

export function createConductor(deps: ComputeDeps): Conductor {
  async function castOrRollBack(row: InstanceRow, req: ActRequest, host: string, msg: InstanceMessage) {
    try {
      await deps.bus.cast({ topic: AGENT_TOPIC, server: host }, req.method, msg);
    } catch (err) {
      if (!(err instanceof NoConsumer)) throw err;
      await casInstance(deps.db, req.uuid, [req.taskState], { task_state: row.task_state });
      throw conflict(`Instance ${req.uuid} is not ready: its compute host ${host} is not available`);
    }
  }

  return {
    async build(context, specs, extra) {
      await deps.db.transaction().execute(async (tx) => {
        for (const spec of specs) {
          await saveRequestSpec(tx, spec);
          await recordAction(tx, spec.instance_uuid, 'create', context);
        }
      });
      await castBuild(deps, { context, uuids: specs.map((s) => s.instance_uuid), admin_pass: extra.adminPass });
    },

    async act(req) {
      const before = await liveInstance(deps.db, req.uuid);
      if (!before) throw instanceNotFound(req.uuid);
      await startAction(deps, req);
      const row = { ...before, task_state: req.taskState };
      const { host, migration } = await targetHostOf(deps, row, req.method);
      if (!host) {
        await casInstance(deps.db, req.uuid, [req.taskState], { task_state: before.task_state });
        throw conflict(`Instance ${req.uuid} is not ready`);
      }
      const image = req.method === AgentMethod.rebuild ? await rebuildImage(deps, row, req.context.token) : undefined;
      const instance = await buildInstanceSpec(deps.db, row, {
        ...(image && { image }),
        ...(typeof req.args?.admin_pass === 'string' && { adminPass: req.args.admin_pass }),
      });
      const args = await argsFor(deps, req, row, migration?.uuid);
      await castOrRollBack(before, req, host, { context: req.context, instance, args });
    },

    resize: (req) => resize(deps, req),
    unshelve: (req) => unshelve(deps, req),
    liveMigrate: (req) => liveMigrate(deps, req),

    async destroy(context: ActionContext, uuid: string) {
      const row = await deps.db.transaction().execute(async (tx) => {
        const moved = await casInstance(tx, uuid, undefined, { task_state: 'deleting' });
        if (!moved) throw instanceNotFound(uuid);
        await recordAction(tx, uuid, 'delete', context);
        return liveInstance(tx, uuid);
      });
      if (!row) throw instanceNotFound(uuid);
      await notifyInstance(deps.bus, 'delete', 'start', row);
      // A server that never got a host, is offloaded, or whose host is down is deleted without its agent.
      const viaAgent = row.host && row.vm_state !== 'shelved_offloaded' && (await hostIsUp(deps, row.host));
      if (viaAgent && row.host) {
        const instance = await buildInstanceSpec(deps.db, row);
        try {
          await deps.bus.cast({ topic: AGENT_TOPIC, server: row.host }, AgentMethod.terminate, {
            context,
            instance,
          } satisfies InstanceMessage);
          return;
        } catch (err) {
          if (!(err instanceof NoConsumer)) throw err;
        }
      }
      await finalizeDelete(deps, uuid);
    },

    async callAgent<T>(uuid: string, method: string, args: Record<string, unknown> = {}): Promise<T> {
      const row = await liveInstance(deps.db, uuid);
      if (!row) throw instanceNotFound(uuid);
      if (!row.host || !(await hostIsUp(deps, row.host))) throw conflict(`Instance ${uuid} is not ready`);
      const msg: InstanceMessage = {
        context: { request_id: '', user_id: row.user_id, project_id: row.project_id },
        instance: await buildInstanceSpec(deps.db, row),
        args,
      };
      try {
        return await deps.bus.call<T>({ topic: AGENT_TOPIC, server: row.host }, method, msg, {
          timeoutMs: CALL_TIMEOUT_MS,
        });
      } catch (err) {
        if (err instanceof NoConsumer || err instanceof BusTimeout) throw conflict(`Instance ${uuid} is not ready`);
        throw err;
      }
    },
  };
}
