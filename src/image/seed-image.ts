import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ImageDeps } from './deps.ts';
import { notifyImage } from './image-access.ts';
import { notificationPayload } from './image-view.ts';
import { findImage, type ImageRecord, insertImage } from './store/images.ts';
import type { ImageRow } from './tables.ts';
import { storeImageData } from './upload.ts';

export interface SeedImage {
  name: string;
  file: string;
  owner: string;
  disk_format: string;
  properties?: Record<string, string>;
}

/** Marks an image the cloud uploaded itself, with the source file's identity, so a restart does not upload it again. */
const SOURCE_PROPERTY = 'strata_seed_source';

/**
 * Uploads a file the operator built (the test guest) as a public image, through the same path as PUT /file.
 * Idempotent across restarts: an image of that name from the same file (path, size, mtime) is kept. When the
 * file changed (rebuilt), the new image is uploaded and the older one is hidden (`os_hidden`), never deleted,
 * since servers may still boot from it by id; the name then resolves to the new one.
 */
export async function seedImage(deps: ImageDeps, seed: SeedImage): Promise<{ id: string; uploaded: boolean }> {
  const info = await stat(seed.file);
  const source = `${seed.file}:${info.size}:${Math.trunc(info.mtimeMs)}`;
  const same = await deps.db
    .selectFrom('images')
    .innerJoin('image_properties as p', 'p.image_id', 'images.id')
    .select(['images.id', 'images.status', 'p.value'])
    .where('images.name', '=', seed.name)
    .where('images.owner', '=', seed.owner)
    .where('p.name', '=', SOURCE_PROPERTY)
    .where('images.status', 'not in', ['deleted', 'pending_delete'])
    .execute();
  const current = same.find((r) => r.value === source && r.status === 'active');
  if (current) return { id: current.id, uploaded: false };

  const now = new Date().toISOString();
  const row: ImageRow = {
    id: randomUUID(),
    name: seed.name,
    status: 'queued',
    visibility: 'public',
    protected: 0,
    os_hidden: 0,
    owner: seed.owner,
    disk_format: seed.disk_format,
    container_format: 'bare',
    size: null,
    virtual_size: null,
    checksum: null,
    os_hash_algo: null,
    os_hash_value: null,
    min_disk: 0,
    min_ram: 0,
    created_at: now,
    updated_at: now,
  };
  const record: ImageRecord = {
    row,
    properties: { ...seed.properties, [SOURCE_PROPERTY]: source },
    tags: [],
    locations: [],
  };
  await insertImage(deps.db, record);
  try {
    await deps.db.updateTable('images').set({ status: 'saving' }).where('id', '=', row.id).execute();
    await storeImageData(deps, row, 'saving', {
      body: createReadStream(seed.file),
      signal: AbortSignal.timeout(10 * 60_000),
      expectedSize: info.size,
    });
  } catch (err) {
    await deps.db.deleteFrom('images').where('id', '=', row.id).execute();
    throw err;
  }
  const older = same.map((r) => r.id);
  if (older.length > 0)
    await deps.db.updateTable('images').set({ os_hidden: 1, updated_at: now }).where('id', 'in', older).execute();
  const stored = await findImage(deps.db, row.id);
  if (stored) await notifyImage(deps, 'image.upload', notificationPayload(stored));
  return { id: row.id, uploaded: true };
}
