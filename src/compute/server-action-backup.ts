import { badRequest } from './errors.ts';
import { type ActionCall, type ActionSpec, bodyObject, onlyKeys } from './server-action-context.ts';
import { castSnapshot, createSnapshotRecord } from './server-action-images.ts';

/**
 * createBackup: a snapshot with image_type backup and its backup_type, keeping only the newest `rotation`
 * backups of that type (Nova rotates after the upload; rotating at request time leaves the same set). The task
 * state is image_snapshot, not Nova's image_backup: the agent's snapshot step expects it.
 */
async function createBackup(call: ActionCall) {
  const body = bodyObject(call, 'createBackup');
  onlyKeys('createBackup', body, ['name', 'backup_type', 'rotation', 'metadata']);
  if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 255)
    throw badRequest('Invalid input for field/attribute name.');
  if (typeof body.backup_type !== 'string')
    throw badRequest("Invalid input for field/attribute createBackup. 'backup_type' is a required property");
  const rotation =
    typeof body.rotation === 'string' && /^\d+$/.test(body.rotation) ? Number(body.rotation) : body.rotation;
  if (typeof rotation !== 'number' || !Number.isInteger(rotation) || rotation < 0)
    throw badRequest('Invalid input for field/attribute rotation.');
  const metadata = (body.metadata ?? {}) as Record<string, string>;
  if (typeof metadata !== 'object' || Array.isArray(metadata))
    throw badRequest('Invalid input for field/attribute metadata.');
  const existing = await backupsOf(call, body.backup_type);
  let imageId: string | undefined;
  if (rotation > 0) {
    const args = await createSnapshotRecord(call, body.name, { ...metadata, backup_type: body.backup_type }, 'backup');
    imageId = args.image_id;
    await castSnapshot(call, 'createBackup', args);
  }
  const keep = Math.max(rotation - (imageId ? 1 : 0), 0);
  for (const old of existing.slice(0, Math.max(existing.length - keep, 0)))
    await call.deps.image.delete({ token: call.caller.token }, old).catch(() => {});
  call.reply.code(202);
  if (!imageId) return call.reply.send();
  if (call.req.microversion.atLeast('2.45')) return { image_id: imageId };
  call.reply.header('location', call.deps.image.fileUrl(imageId).replace(/\/file$/, ''));
  return call.reply.send();
}

/** The server's backups of one type, oldest first. */
async function backupsOf(call: ActionCall, backupType: string): Promise<string[]> {
  const q = new URLSearchParams({
    instance_uuid: call.row.uuid,
    image_type: 'backup',
    sort_key: 'created_at',
    sort_dir: 'asc',
  });
  const res = await call.deps.image.request({ token: call.caller.token }, 'GET', `/v2/images?${q}`);
  const images = (res.body?.images ?? []) as {
    id: string;
    instance_uuid?: string;
    image_type?: string;
    backup_type?: string;
    created_at: string;
  }[];
  return images
    .filter((i) => i.instance_uuid === call.row.uuid && i.image_type === 'backup' && i.backup_type === backupType)
    .sort((a, b) => a.created_at.localeCompare(b.created_at))
    .map((i) => i.id);
}

export const backupActions: Record<string, ActionSpec> = {
  createBackup: { policy: 'os_compute_api:os-create-backup', state: 'createImage', handle: createBackup },
};
