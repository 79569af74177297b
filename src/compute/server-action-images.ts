import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AgentMethod, type SnapshotArgs } from './agent/rpc.ts';
import { badRequest, conflict } from './errors.ts';
import { TaskState } from './instance-state.ts';
import { systemMetadataOf } from './instance-store.ts';
import { checkQuota } from './quotas.ts';
import { enforceNova } from './server-access.ts';
import {
  type ActionCall,
  type ActionSpec,
  accepted,
  actRequest,
  bodyObject,
  castAction,
  onlyKeys,
} from './server-action-context.ts';
import { assertValid, MetadataSchema } from './server-create-schema.ts';
import { flavorOf } from './server-view.ts';

const metadataCheck = TypeCompiler.Compile(MetadataSchema);

/** Image properties Nova never copies from the base image to a snapshot. */
const NOT_INHERITED = new Set([
  'base_image_ref',
  'min_ram',
  'min_disk',
  'disk_format',
  'container_format',
  'owner_id',
  'instance_uuid',
  'image_type',
  'image_location',
  'image_state',
  'user_id',
  'owner_project_name',
  'owner_user_name',
  'block_device_mapping',
  'bdm_v2',
  'root_device_name',
]);

/**
 * Creates the Glance record of a snapshot of `call.row` (queued; the agent uploads the bytes) with what Nova puts
 * on it: image_type snapshot, instance_uuid, base_image_ref, the base image's formats and user properties,
 * min_ram / min_disk, then the caller's metadata.
 */
export async function createSnapshotRecord(
  call: ActionCall,
  name: string,
  metadata: Record<string, string>,
  imageType = 'snapshot',
): Promise<SnapshotArgs> {
  const row = call.row;
  const sys = (await systemMetadataOf(call.deps.db, [row.uuid])).get(row.uuid) ?? {};
  const inherited: Record<string, string> = {};
  for (const [k, v] of Object.entries(sys)) {
    if (!k.startsWith('image_')) continue;
    const prop = k.slice('image_'.length);
    if (!NOT_INHERITED.has(prop)) inherited[prop] = v;
  }
  const flavor = flavorOf(row);
  // Nova's order: the base image's properties, then its own (image_type, instance_uuid, user_id), then the
  // caller's metadata, which may override them (Tempest's snapshot test sets image_type itself).
  const body: Record<string, unknown> = {
    ...inherited,
    image_type: imageType,
    instance_uuid: row.uuid,
    user_id: call.caller.userId,
    base_image_ref: row.image_ref,
    ...metadata,
    name,
    disk_format: sys.image_disk_format ?? 'qcow2',
    container_format: sys.image_container_format ?? 'bare',
    min_ram: Number(sys.image_min_ram ?? 0),
    min_disk: Math.max(Number(sys.image_min_disk ?? 0), flavor.root_gb),
  };
  const image = await call.deps.image.createSnapshot({ token: call.caller.token }, body);
  return { image_id: image.id, upload: { url: call.deps.image.fileUrl(image.id), token: call.caller.token } };
}

/** Casts the snapshot into `args` to the host as `action`; a refused cast deletes the image record made for it. */
export async function castSnapshot(call: ActionCall, action: string, args: SnapshotArgs): Promise<void> {
  try {
    await call.deps.conductor.act(actRequest(call, action, AgentMethod.snapshot, TaskState.imageSnapshot, { ...args }));
  } catch (err) {
    await call.deps.image.delete({ token: call.caller.token }, args.image_id).catch(() => {});
    throw err;
  }
}

async function createImage(call: ActionCall) {
  const body = bodyObject(call, 'createImage');
  onlyKeys('createImage', body, ['name', 'metadata']);
  if (typeof body.name !== 'string' || body.name.length < 1 || body.name.length > 255 || body.name.trim() === '')
    throw badRequest(`Invalid input for field/attribute name. Value: ${JSON.stringify(body.name)}.`);
  const metadata = (body.metadata ?? {}) as Record<string, string>;
  assertValid(metadataCheck, metadata);
  // Nova stopped counting image metadata against the quota at 2.39.
  if (call.req.microversion.atMost('2.38'))
    await checkQuota(
      call.deps,
      { project_id: call.row.project_id, user_id: call.row.user_id },
      { metadata_items: Object.keys(metadata).length },
    );
  if (!call.row.image_ref)
    enforceNova(call.req, 'os_compute_api:servers:create_image:allow_volume_backed', {
      project_id: call.row.project_id,
      user_id: call.row.user_id,
    });
  const args = await createSnapshotRecord(call, body.name, metadata);
  await castSnapshot(call, 'createImage', args);
  call.reply.code(202);
  if (call.req.microversion.atLeast('2.45')) return { image_id: args.image_id };
  // Nova's Location is the image in the Image service.
  call.reply.header('location', call.deps.image.fileUrl(args.image_id).replace(/\/file$/, ''));
  return call.reply.send();
}

async function shelve(call: ActionCall) {
  // Nova (Zed) does not validate shelve's body: clients send null, and Tempest sends {}.
  const offload = call.deps.config.compute.shelvedOffloadTime === 0;
  const snapshot = call.row.image_ref
    ? await createSnapshotRecord(call, `${call.row.display_name}-shelved`, {})
    : undefined;
  try {
    await call.deps.conductor.act(
      actRequest(call, 'shelve', AgentMethod.shelve, TaskState.shelving, {
        offload: offload || !call.row.image_ref,
        ...(snapshot && { image_id: snapshot.image_id, upload: snapshot.upload }),
      }),
    );
  } catch (err) {
    if (snapshot) await call.deps.image.delete({ token: call.caller.token }, snapshot.image_id).catch(() => {});
    throw err;
  }
  await setSystemMetadata(call, {
    shelved_at: new Date().toISOString(),
    shelved_host: call.row.host ?? '',
    ...(snapshot && { shelved_image_id: snapshot.image_id }),
  });
  return accepted(call);
}

async function unshelve(call: ActionCall) {
  const mv = call.req.microversion;
  let availabilityZone: string | null | undefined;
  let host: string | undefined;
  if (call.body !== null && call.body !== undefined) {
    if (mv.atMost('2.76')) throw badRequest('Invalid input for field/attribute unshelve. Value must be null.');
    const body = bodyObject(call, 'unshelve');
    onlyKeys('unshelve', body, mv.atLeast('2.91') ? ['availability_zone', 'host'] : ['availability_zone']);
    if ('availability_zone' in body) {
      const az = body.availability_zone;
      if (az === null && mv.atMost('2.90')) throw badRequest('Invalid input for field/attribute availability_zone.');
      if (az !== null && (typeof az !== 'string' || az === ''))
        throw badRequest('Invalid input for field/attribute availability_zone.');
      availabilityZone = az as string | null;
    }
    if (body.host !== undefined) {
      if (typeof body.host !== 'string' || body.host === '')
        throw badRequest('Invalid input for field/attribute host.');
      enforceNova(call.req, 'os_compute_api:os-shelve:unshelve_to_host', {
        project_id: call.row.project_id,
        user_id: call.row.user_id,
      });
      host = body.host;
    }
    if ((availabilityZone !== undefined || host) && call.row.vm_state !== 'shelved_offloaded')
      throw conflict(
        `The unshelve action with availability_zone or host is only allowed for shelved offloaded servers; instance ${call.row.uuid} is in vm_state ${call.row.vm_state}`,
      );
  }
  await call.deps.conductor.unshelve({
    ...actRequest(call, 'unshelve', AgentMethod.unshelve, TaskState.unshelving),
    ...(availabilityZone !== undefined && { availabilityZone }),
    ...(host && { targetHost: host }),
  });
  return accepted(call);
}

async function setSystemMetadata(call: ActionCall, values: Record<string, string>): Promise<void> {
  await call.deps.db.transaction().execute(async (trx) => {
    for (const [key, value] of Object.entries(values)) {
      await trx
        .deleteFrom('instance_system_metadata')
        .where('instance_uuid', '=', call.row.uuid)
        .where('key', '=', key)
        .execute();
      await trx.insertInto('instance_system_metadata').values({ instance_uuid: call.row.uuid, key, value }).execute();
    }
  });
}

export const imageActions: Record<string, ActionSpec> = {
  createImage: { policy: 'os_compute_api:servers:create_image', state: 'createImage', handle: createImage },
  shelve: { policy: 'os_compute_api:os-shelve:shelve', lock: true, state: 'shelve', handle: shelve },
  shelveOffload: castAction(
    'os_compute_api:os-shelve:shelve_offload',
    'shelveOffload',
    'shelveOffload',
    AgentMethod.shelveOffload,
    TaskState.shelvingOffloading,
  ),
  unshelve: { policy: 'os_compute_api:os-shelve:unshelve', lock: true, state: 'unshelve', handle: unshelve },
};
