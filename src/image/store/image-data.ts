import { ApiError, Conflict } from '../../core/errors.ts';
import type { ImageDb, ImageRow, ImageStatus } from '../tables.ts';

/** What hashing the bytes on their way into a store produced (Glance's `checksum` and multihash). */
export interface DataFacts {
  size: number;
  checksum: string;
  os_hash_algo: string;
  os_hash_value: string;
  virtual_size: number | null;
}

/** Glance's timestamps carry whole seconds and a `Z`. */
const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Moves an image from one status to the next only if it is still in `from`: two uploads racing for one queued
 * image cannot both win. The loser hears Glance's 409 for an impossible status transition.
 */
export async function claimStatus(
  db: ImageDb,
  imageId: string,
  from: readonly ImageStatus[],
  to: ImageStatus,
): Promise<void> {
  const res = await db
    .updateTable('images')
    .set({ status: to, updated_at: now() })
    .where('id', '=', imageId)
    .where('status', 'in', from)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 1) return;
  const current = await currentStatus(db, imageId);
  if (current === undefined || current === 'deleted') throw new ApiError(410, 'Gone', `Image ${imageId} was deleted.`);
  throw new Conflict(`Image status transition from ${current} to ${to} is not allowed`);
}

/** Puts an image whose data did not arrive back where it was; a no-op when the image has moved on or gone. */
export async function releaseStatus(
  db: ImageDb,
  imageId: string,
  from: ImageStatus,
  to: ImageStatus,
  patch: Partial<Pick<ImageRow, 'size'>> = {},
): Promise<void> {
  await db
    .updateTable('images')
    .set({ ...patch, status: to, updated_at: now() })
    .where('id', '=', imageId)
    .where('status', '=', from)
    .execute();
}

/** Records the staged size (Glance shows it while the image is `uploading`). */
export async function setStagedSize(db: ImageDb, imageId: string, size: number): Promise<void> {
  await db.updateTable('images').set({ size, updated_at: now() }).where('id', '=', imageId).execute();
}

/**
 * Marks the image active with its data's facts and where the data is, in one transaction. Returns false when the
 * image left `from` meanwhile (deleted during the upload): the caller then removes the data it wrote.
 */
export async function activateImage(
  db: ImageDb,
  imageId: string,
  from: ImageStatus,
  facts: DataFacts,
  location: { store: string; url: string },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('images')
      .set({ ...facts, status: 'active', updated_at: now() })
      .where('id', '=', imageId)
      .where('status', '=', from)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    await trx
      .deleteFrom('image_locations')
      .where('image_id', '=', imageId)
      .where('store', '=', location.store)
      .execute();
    await trx
      .insertInto('image_locations')
      .values({ image_id: imageId, store: location.store, url: location.url, status: 'active' })
      .execute();
    return true;
  });
}

export async function currentStatus(db: ImageDb, imageId: string): Promise<ImageStatus | undefined> {
  const row = await db.selectFrom('images').select('status').where('id', '=', imageId).executeTakeFirst();
  return row?.status;
}

/** The image's data locations, the default store's first. */
export async function listLocations(
  db: ImageDb,
  imageId: string,
  preferred: string,
): Promise<{ store: string; url: string }[]> {
  const rows = await db
    .selectFrom('image_locations')
    .select(['store', 'url'])
    .where('image_id', '=', imageId)
    .where('status', '=', 'active')
    .execute();
  return rows.toSorted((a, b) => Number(b.store === preferred) - Number(a.store === preferred));
}

/**
 * Glance's import progress, kept as image properties clients poll: the stores still being imported to and
 * those that failed (comma-separated; empty strings once done).
 */
export async function setImportStores(
  db: ImageDb,
  imageId: string,
  progress: { importing: string[]; failed: string[] },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const names = ['os_glance_importing_to_stores', 'os_glance_failed_import'];
    await trx.deleteFrom('image_properties').where('image_id', '=', imageId).where('name', 'in', names).execute();
    await trx
      .insertInto('image_properties')
      .values([
        { image_id: imageId, name: names[0], value: progress.importing.join(',') },
        { image_id: imageId, name: names[1], value: progress.failed.join(',') },
      ])
      .execute();
  });
}
