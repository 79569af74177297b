import type { FlavorSpec } from '../drivers/hypervisor.ts';
import { PowerState, TaskState as T, VmState as V } from '../instance-state.ts';
import { AgentMethod, ServerMethod, type SnapshotArgs } from './rpc.ts';
import { type CastHandler, message, report, type Step } from './runner.ts';
import { uploadSnapshot } from './upload.ts';

const power = (on: boolean) => (on ? PowerState.running : PowerState.shutdown);

/** Snapshot the root disk and stream it to the Image service, then tell the server how it went. */
async function snapshotAndUpload(s: Step, upload: SnapshotArgs['upload']): Promise<void> {
  const data = await s.ctx.driver.snapshot(s.uuid, s);
  await uploadSnapshot(data, upload, s.signal);
}

const snapshotDone = (s: Step, imageId: string, ok: boolean, error?: string) =>
  report(s.ctx, ServerMethod.snapshotDone, { uuid: s.uuid, image_id: imageId, ok, ...(error && { error }) });

function snapshot(): CastHandler {
  return {
    task: T.imageSnapshot,
    async run(s) {
      const a = s.args as unknown as SnapshotArgs;
      await s.update({ expected_task_state: [T.imageSnapshot], task_state: T.imagePendingUpload });
      await s.update({ expected_task_state: [T.imagePendingUpload], task_state: T.imageUploading });
      await snapshotAndUpload(s, a.upload);
      await s.update({ expected_task_state: [T.imageUploading], task_state: null });
      await snapshotDone(s, a.image_id, true);
    },
    async onFailure(s) {
      // Nova resets the task and leaves the server as it was; the image is what failed.
      await s.update({ expected_task_state: [s.task], task_state: null });
    },
    async afterFailure(s, err) {
      await snapshotDone(s, String(s.args.image_id ?? ''), false, message(err));
    },
    async onPreempted(s, err) {
      await snapshotDone(s, String(s.args.image_id ?? ''), false, message(err));
    },
  };
}

const offloaded = { vm_state: V.shelvedOffloaded, task_state: null, power_state: PowerState.shutdown, offloaded: true };

function shelve(): CastHandler {
  let uploaded = false;
  return {
    task: T.shelving,
    async run(s) {
      const imageId = typeof s.args.image_id === 'string' ? s.args.image_id : undefined;
      const upload = s.args.upload as SnapshotArgs['upload'] | undefined;
      await s.update({ expected_task_state: [T.shelving], task_state: T.shelvingImagePendingUpload });
      await s.update({ expected_task_state: [T.shelvingImagePendingUpload], task_state: T.shelvingImageUploading });
      if (imageId && upload) {
        await snapshotAndUpload(s, upload);
        uploaded = true;
        await snapshotDone(s, imageId, true);
      }
      await s.ctx.driver.powerOff(s.uuid, s);
      const offload = s.args.offload === true;
      await s.update({
        expected_task_state: [T.shelving, T.shelvingImageUploading],
        vm_state: V.shelved,
        task_state: offload ? T.shelvingOffloading : null,
        power_state: PowerState.shutdown,
      });
      if (!offload) return;
      await s.ctx.driver.destroy(s.uuid, s);
      await s.update({ expected_task_state: [T.shelvingOffloading], ...offloaded });
    },
    async afterFailure(s, err) {
      if (typeof s.args.image_id === 'string' && s.args.upload && !uploaded)
        await snapshotDone(s, s.args.image_id, false, message(err));
    },
    async onPreempted(s, err) {
      if (typeof s.args.image_id === 'string' && s.args.upload && !uploaded)
        await snapshotDone(s, s.args.image_id, false, message(err));
    },
  };
}

/** Handlers of the casts that move an instance or its disk (resize, migrations, snapshot, shelve). */
export function moveHandlers(method: string): CastHandler | undefined {
  const wasStopped = (s: Step) => s.args.was_stopped === true;
  switch (method) {
    case AgentMethod.resize:
      return {
        task: T.resizePrep,
        async run(s) {
          await s.update({ expected_task_state: [T.resizePrep], task_state: T.resizeMigrating });
          const flavor = (s.args.new_flavor as FlavorSpec | undefined) ?? s.spec.flavor;
          await s.ctx.driver.migrateDiskAndPowerOff(s.uuid, flavor, s);
          // The server casts finish_resize to the destination when it sees resize_migrated.
          await s.update({ expected_task_state: [T.resizeMigrating], task_state: T.resizeMigrated });
        },
      };
    case AgentMethod.finishResize:
      return {
        task: T.resizeMigrated,
        errorVmState: V.error,
        async run(s) {
          await s.update({ expected_task_state: [T.resizeMigrated], task_state: T.resizeFinish });
          const on = !wasStopped(s);
          await s.ctx.driver.finishMigration(s.spec, { signal: s.signal, powerOn: on });
          await s.update({
            expected_task_state: [T.resizeFinish],
            vm_state: V.resized,
            task_state: null,
            power_state: power(on),
            node: s.ctx.node,
            new_host: s.ctx.host,
            new_node: s.ctx.node,
          });
        },
      };
    case AgentMethod.confirmResize:
      return {
        task: T.resizeConfirming,
        async run(s) {
          await s.ctx.driver.confirmMigration(s.uuid, s);
          await s.update({
            expected_task_state: [T.resizeConfirming],
            vm_state: wasStopped(s) ? V.stopped : V.active,
            task_state: null,
          });
        },
      };
    case AgentMethod.revertResize:
      return {
        task: T.resizeReverting,
        async run(s) {
          await s.ctx.driver.destroy(s.uuid, { signal: s.signal, keepDisks: false });
          // No state change: the server casts finish_revert_resize to the source when it sees this.
          await s.update({ expected_task_state: [T.resizeReverting] });
        },
      };
    case AgentMethod.finishRevertResize:
      return {
        task: T.resizeReverting,
        async run(s) {
          const on = !wasStopped(s);
          await s.ctx.driver.finishRevertMigration(s.spec, { signal: s.signal, powerOn: on });
          await s.update({
            expected_task_state: [T.resizeReverting],
            vm_state: on ? V.active : V.stopped,
            task_state: null,
            power_state: power(on),
            node: s.ctx.node,
            new_host: s.ctx.host,
            new_node: s.ctx.node,
          });
        },
      };
    case AgentMethod.liveMigrate:
      return {
        task: T.migrating,
        async run(s) {
          const dest = String(s.args.dest_host ?? '');
          await s.ctx.driver.liveMigrate(s.uuid, dest, s);
          await s.update({
            expected_task_state: [T.migrating],
            task_state: null,
            new_host: dest,
            new_node: String(s.args.dest_node ?? dest),
          });
        },
      };
    case AgentMethod.snapshot:
      return snapshot();
    case AgentMethod.shelve:
      return shelve();
    case AgentMethod.shelveOffload:
      return {
        task: T.shelvingOffloading,
        async run(s) {
          await s.ctx.driver.destroy(s.uuid, s);
          await s.update({ expected_task_state: [T.shelvingOffloading], ...offloaded });
        },
      };
    default:
      return undefined;
  }
}
