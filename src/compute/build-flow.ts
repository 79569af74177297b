import { NoConsumer } from '../core/bus/bus.ts';
import { type ActionContext, AGENT_TOPIC, AgentMethod, type BuildFailed, type InstanceMessage } from './agent/rpc.ts';
import { imagePropertiesOf } from './clients/image.ts';
import type { GlanceImage, NetworkInfo, RequestSpec } from './clients/types.ts';
import type { ComputeDeps } from './deps.ts';
import type { ImageSpec } from './drivers/hypervisor.ts';
import { findAction, finishEvent, startEvent } from './instance-actions-store.ts';
import { casInstance, liveInstance, parseJson } from './instance-cas.ts';
import { adminPassOf, forgetAdminPass, rememberAdminPass } from './instance-finalize.ts';
import { buildInstanceSpec, loadRequestSpec, saveRequestSpec } from './instance-spec.ts';
import { notifyInstance } from './notifications.ts';
import { scheduleAndClaim } from './scheduler.ts';

/** The conductor's own topic: builds run in its consumer, not in the API request that asked for them. */
export const CONDUCTOR_TOPIC = 'compute-conductor';
export const ConductorMethod = { buildInstances: 'build_instances' } as const;

export interface BuildInstancesMessage {
  context: ActionContext;
  uuids: string[];
  admin_pass?: string | null;
}

/**
 * Builds this process's conductor has taken and not finished (queued behind the build workers or running):
 * the dead-host sweep leaves them alone however long a burst keeps them in scheduling.
 */
export const buildsInConductor = new Set<string>();

export const NO_VALID_HOST = 'No valid host was found. There are not enough hosts available.';
const SCHEDULE_EVENT = 'conductor_schedule_and_build_instances';
const BUILDING_TASKS = ['scheduling', 'networking', 'spawning', 'block_device_mapping'];

export async function castBuild(deps: ComputeDeps, msg: BuildInstancesMessage): Promise<void> {
  for (const uuid of msg.uuids) rememberAdminPass(uuid, msg.admin_pass);
  await deps.bus.cast({ topic: CONDUCTOR_TOPIC }, ConductorMethod.buildInstances, { ...msg, admin_pass: null });
}

/** Glance's image as the agent's spec carries it: the base fields, the rest as properties. */
export function imageSpecOf(deps: ComputeDeps, image: GlanceImage, token?: string): ImageSpec {
  return {
    id: image.id,
    disk_format: image.disk_format ?? undefined,
    container_format: image.container_format ?? undefined,
    min_disk: image.min_disk,
    min_ram: image.min_ram,
    properties: imagePropertiesOf(image),
    download: { url: deps.image.fileUrl(image.id), token: token ?? '' },
  };
}

/** The image for a build: Glance's current record when it answers, else what the API saw at create time. */
async function imageFor(deps: ComputeDeps, spec: RequestSpec, token?: string): Promise<ImageSpec> {
  if (!spec.image?.id) return spec.image ?? { id: '', properties: {} };
  try {
    const image = await deps.image.show({}, spec.image.id);
    if (image) return imageSpecOf(deps, image, token);
  } catch (err) {
    deps.log.warn({ err, image: spec.image.id }, 'image lookup for a build failed; using the request spec');
  }
  return spec.image;
}

/**
 * One instance's build, in the conductor: schedule and claim, then networking (ports on the chosen host, kept
 * in info_cache), then spawning with the cast to the host's agent. Each step is a compare-and-set from the
 * previous task state, so a delete arriving meanwhile wins and this releases what it took.
 */
export async function buildInstance(deps: ComputeDeps, context: ActionContext, uuid: string): Promise<void> {
  const row = await liveInstance(deps.db, uuid);
  if (row?.vm_state !== 'building' || row.task_state !== 'scheduling') return;
  const spec = await loadRequestSpec(deps.db, uuid);
  if (!spec) {
    await setBuildError(deps, uuid, { message: `Build of instance ${uuid} aborted: no request spec` });
    return;
  }
  spec.num_attempts += 1;
  await startEvent(deps.db, { uuid, request_id: context.request_id }, SCHEDULE_EVENT, null);

  let lost = false;
  let dest: Awaited<ReturnType<typeof scheduleAndClaim>>;
  try {
    dest = await scheduleAndClaim(deps, spec, {
      consumer: uuid,
      record: async (d) => {
        lost = !(await casInstance(deps.db, uuid, ['scheduling'], {
          host: d.host,
          node: d.node,
          task_state: 'networking',
          ...(!row.availability_zone && { availability_zone: d.availabilityZone }),
        }));
      },
    });
  } catch (err) {
    deps.log.error({ err, instance: uuid }, 'scheduling failed');
    dest = undefined;
  }
  if (lost) {
    // Deleted while it was being scheduled: the claim just made must not stay behind.
    await releaseUnlessRebuilt(deps, uuid, dest?.host);
    return;
  }
  if (!dest) {
    await setBuildError(deps, uuid, { message: NO_VALID_HOST, event: SCHEDULE_EVENT, requestId: context.request_id });
    return;
  }
  await saveRequestSpec(deps.db, spec);

  let info: NetworkInfo;
  try {
    const existing = parseJson<NetworkInfo>(row.info_cache, []);
    info = existing.length
      ? await deps.network.bindPorts(uuid, dest.host)
      : await deps.network.allocatePorts(
          {
            uuid,
            project_id: row.project_id,
            availability_zone: row.availability_zone ?? dest.availabilityZone,
            hostname: row.hostname,
          },
          spec.networks,
          dest.host,
        );
  } catch (err) {
    deps.log.warn({ err, instance: uuid }, 'network allocation for a build failed');
    await setBuildError(deps, uuid, {
      message: `Build of instance ${uuid} aborted: Failed to allocate the network(s), not rescheduling.`,
      details: (err as Error).message,
      event: SCHEDULE_EVENT,
      requestId: context.request_id,
    });
    return;
  }
  if (
    !(await casInstance(deps.db, uuid, ['networking'], { task_state: 'spawning', info_cache: JSON.stringify(info) }))
  ) {
    await deps.network.deallocatePorts(uuid, info).catch(() => {});
    await releaseUnlessRebuilt(deps, uuid, dest.host);
    return;
  }
  const fresh = await liveInstance(deps.db, uuid);
  if (!fresh) return;
  const instance = await buildInstanceSpec(deps.db, fresh, {
    spec,
    image: await imageFor(deps, spec, context.token),
    adminPass: adminPassOf(uuid),
  });
  const msg: InstanceMessage = { context, instance, args: { node: dest.node } };
  try {
    await deps.bus.cast({ topic: AGENT_TOPIC, server: dest.host }, AgentMethod.buildAndRun, msg);
  } catch (err) {
    if (!(err instanceof NoConsumer)) throw err;
    await finishEvent(deps.db, { uuid, request_id: context.request_id }, SCHEDULE_EVENT, {
      result: 'Success',
      host: null,
    });
    await handleBuildFailed(deps, {
      uuid,
      host: dest.host,
      reason: `Compute host ${dest.host} is not reachable`,
      reschedule: true,
    });
    return;
  }
  await finishEvent(deps.db, { uuid, request_id: context.request_id }, SCHEDULE_EVENT, {
    result: 'Success',
    host: null,
  });
}

/**
 * The claim of a build that lost its instance: released when the instance is gone, kept when the instance was
 * meanwhile rescheduled (the same consumer then holds the new attempt's claim).
 */
async function releaseUnlessRebuilt(deps: ComputeDeps, uuid: string, host: string | undefined): Promise<void> {
  const row = await liveInstance(deps.db, uuid);
  if (row && row.task_state !== 'deleting' && (row.task_state === 'scheduling' || row.host !== host)) return;
  await deps.placement.release(uuid).catch(() => {});
}

/**
 * A build that failed on a host (the agent's build_failed, a cast nobody consumed, a host that died): the
 * claim is released and the instance goes back to scheduling without that host, up to the configured number
 * of attempts; then, or when retrying cannot help, ERROR with the reason as its fault.
 */
export async function handleBuildFailed(deps: ComputeDeps, failure: BuildFailed): Promise<void> {
  const row = await liveInstance(deps.db, failure.uuid);
  // A report about a build this host no longer owns (rescheduled meanwhile, or deleted) changes nothing.
  if (row?.vm_state !== 'building' || row.host !== failure.host) return;
  await deps.placement.release(failure.uuid).catch((err) => deps.log.warn({ err }, 'release after a failed build'));
  const spec = await loadRequestSpec(deps.db, failure.uuid);
  const max = deps.config.compute.schedulerMaxAttempts;
  if (failure.reschedule && spec && spec.num_attempts < max) {
    spec.ignore_hosts = [...new Set([...spec.ignore_hosts, failure.host])];
    const moved = await casInstance(deps.db, failure.uuid, BUILDING_TASKS, {
      task_state: 'scheduling',
      host: null,
      node: null,
    });
    if (!moved) return;
    await saveRequestSpec(deps.db, spec);
    deps.log.info(
      { instance: failure.uuid, host: failure.host, reason: failure.reason },
      'rescheduling a failed build',
    );
    const action = await findAction(deps.db, failure.uuid);
    const context: ActionContext = action
      ? { request_id: action.request_id, user_id: action.user_id, project_id: action.project_id }
      : { request_id: '', user_id: row.user_id, project_id: row.project_id };
    await deps.bus.cast({ topic: CONDUCTOR_TOPIC }, ConductorMethod.buildInstances, { context, uuids: [failure.uuid] });
    return;
  }
  const message = failure.reschedule
    ? `No valid host was found. Exceeded max scheduling attempts ${max} for instance ${failure.uuid}. Last exception: ${failure.reason}`
    : failure.reason;
  await setBuildError(deps, failure.uuid, { message, host: null });
}

/**
 * ERROR for a server whose build cannot go on: the fault clients see, the create action's event finished with
 * Error, and whatever the build had taken (claim, ports) given back.
 */
export async function setBuildError(
  deps: ComputeDeps,
  uuid: string,
  opts: { message: string; details?: string; code?: number; event?: string; requestId?: string; host?: null },
): Promise<void> {
  const row = await liveInstance(deps.db, uuid);
  if (!row) return;
  const fault = {
    code: opts.code ?? 500,
    message: opts.message,
    details: opts.details ?? '',
    created: new Date().toISOString(),
  };
  const set = await casInstance(deps.db, uuid, [...BUILDING_TASKS, null], {
    vm_state: 'error',
    task_state: null,
    power_state: 0,
    fault: JSON.stringify(fault),
    info_cache: '[]',
    ...(opts.host === null && { host: null, node: null }),
  });
  if (!set) return;
  forgetAdminPass(uuid);
  await finishEvent(deps.db, { uuid, request_id: opts.requestId }, opts.event ?? SCHEDULE_EVENT, {
    result: 'Error',
    traceback: opts.message,
    host: row.host,
  });
  await deps.placement.release(uuid).catch((err) => deps.log.warn({ err, instance: uuid }, 'release after ERROR'));
  const info = parseJson<NetworkInfo>(row.info_cache, []);
  if (info.length)
    await deps.network.deallocatePorts(uuid, info).catch((err) => deps.log.warn({ err }, 'ports after ERROR'));
  await notifyInstance(
    deps.bus,
    'create',
    'error',
    { ...row, vm_state: 'error', task_state: null },
    { message: opts.message },
  );
  deps.log.info({ instance: uuid, fault: opts.message }, 'build failed');
}
