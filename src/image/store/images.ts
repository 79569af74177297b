import type { Kysely } from 'kysely';
import { isUniqueViolation } from '../../core/db/database.ts';
import { Conflict, NotFound } from '../../core/errors.ts';
import type { ImageDb, ImageRow, ImageTables } from '../tables.ts';

/** An image as the API sees it: its row plus free-form properties, tags and data locations. */
export interface ImageRecord {
  row: ImageRow;
  properties: Record<string, string>;
  tags: string[];
  locations: { store: string; url: string; status: string }[];
}

export interface ImageChanges {
  row: Partial<ImageRow>;
  properties?: Record<string, string>;
  tags?: string[];
}

type Trx = Kysely<ImageTables>;

/** Which images a project may see at all; admins see everything. */
export interface ListScope {
  isAdmin: boolean;
  projectId: string | null;
  /** Glance's `visibility` query parameter; undefined lists the default set (no community images). */
  visibility?: 'public' | 'private' | 'shared' | 'community' | 'all';
  /** `member_status`: which memberships make a shared image listed ('all' for any). */
  memberStatus: 'pending' | 'accepted' | 'rejected' | 'all';
}

export const notFound = (id: string) => new NotFound(`No image found with ID ${id}`);

export async function findImage(db: ImageDb, id: string): Promise<ImageRecord | undefined> {
  const row = await db.selectFrom('images').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.status === 'deleted') return undefined;
  const [full] = await withDetails(db, [row]);
  return full;
}

/** The image rows a scope may list, with details; the caller filters further, sorts and pages. */
export async function listImages(db: ImageDb, scope: ListScope): Promise<ImageRecord[]> {
  let q = db.selectFrom('images').selectAll().where('status', '!=', 'deleted');
  const { visibility, projectId } = scope;
  if (visibility !== undefined && visibility !== 'all') q = q.where('visibility', '=', visibility);
  if (!scope.isAdmin) {
    q = q.where((eb) => {
      const sharedWithMe = eb.exists(
        eb
          .selectFrom('image_members')
          .select('image_members.image_id')
          .whereRef('image_members.image_id', '=', 'images.id')
          .where('image_members.member', '=', projectId ?? '')
          .$if(scope.memberStatus !== 'all', (m) =>
            m.where('image_members.status', '=', scope.memberStatus as 'pending' | 'accepted' | 'rejected'),
          ),
      );
      const ors = [eb('images.owner', '=', projectId ?? ''), eb('images.visibility', '=', 'public')];
      ors.push(eb.and([eb('images.visibility', '=', 'shared'), sharedWithMe]));
      if (visibility === 'community' || visibility === 'all') ors.push(eb('images.visibility', '=', 'community'));
      return eb.or(ors);
    });
  } else if (visibility === undefined) {
    // Glance leaves community images out of the default listing, for admins too.
    q = q.where('visibility', '!=', 'community');
  }
  return withDetails(db, await q.execute());
}

async function withDetails(db: Trx, rows: ImageRow[]): Promise<ImageRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const records = new Map<string, ImageRecord>(
    rows.map((row) => [row.id, { row, properties: {}, tags: [], locations: [] }]),
  );
  // Chunked: SQLite caps bound parameters, and a public cloud lists thousands of images.
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const [props, tags, locs] = await Promise.all([
      db.selectFrom('image_properties').selectAll().where('image_id', 'in', chunk).execute(),
      db.selectFrom('image_tags').selectAll().where('image_id', 'in', chunk).orderBy('value').execute(),
      db.selectFrom('image_locations').selectAll().where('image_id', 'in', chunk).orderBy('store').execute(),
    ]);
    for (const p of props) records.get(p.image_id)!.properties[p.name] = p.value;
    for (const t of tags) records.get(t.image_id)!.tags.push(t.value);
    for (const l of locs) records.get(l.image_id)!.locations.push({ store: l.store, url: l.url, status: l.status });
  }
  return [...records.values()];
}

export async function memberStatusOf(db: ImageDb, imageId: string, projectId: string | null) {
  if (!projectId) return undefined;
  const m = await db
    .selectFrom('image_members')
    .select('status')
    .where('image_id', '=', imageId)
    .where('member', '=', projectId)
    .executeTakeFirst();
  return m?.status;
}

export async function insertImage(db: ImageDb, record: Omit<ImageRecord, 'locations'>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    try {
      await trx.insertInto('images').values(record.row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict(`Image with identifier ${record.row.id} already exists!`);
      throw err;
    }
    await writeProperties(trx, record.row.id, record.properties);
    await writeTags(trx, record.row.id, record.tags);
  });
}

/** Writes the changes in one transaction; properties and tags, when given, replace the whole set. */
export async function updateImage(db: ImageDb, id: string, changes: ImageChanges): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const res = await trx.updateTable('images').set(changes.row).where('id', '=', id).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw notFound(id);
    if (changes.properties) {
      await trx.deleteFrom('image_properties').where('image_id', '=', id).execute();
      await writeProperties(trx, id, changes.properties);
    }
    if (changes.tags) {
      await trx.deleteFrom('image_tags').where('image_id', '=', id).execute();
      await writeTags(trx, id, changes.tags);
    }
  });
}

/** Sets a status only if the image is still in `from` (the data routes may be moving it concurrently). */
export async function transitionStatus(
  db: ImageDb,
  id: string,
  from: ImageRow['status'],
  to: ImageRow['status'],
  updatedAt: string,
): Promise<boolean> {
  const res = await db
    .updateTable('images')
    .set({ status: to, updated_at: updatedAt })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Removes the image and everything hanging off it; resolves to the data locations to delete from stores. */
export async function deleteImageRows(db: ImageDb, id: string): Promise<ImageRecord['locations']> {
  return db.transaction().execute(async (trx) => {
    const locations = await trx.selectFrom('image_locations').selectAll().where('image_id', '=', id).execute();
    for (const table of ['image_properties', 'image_tags', 'image_members', 'image_locations'] as const) {
      await trx.deleteFrom(table).where('image_id', '=', id).execute();
    }
    const res = await trx.deleteFrom('images').where('id', '=', id).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw notFound(id);
    return locations.map((l) => ({ store: l.store, url: l.url, status: l.status }));
  });
}

export async function addTag(db: ImageDb, id: string, tag: string, updatedAt: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const has = await trx
      .selectFrom('image_tags')
      .select('value')
      .where('image_id', '=', id)
      .where('value', '=', tag)
      .executeTakeFirst();
    if (!has) await trx.insertInto('image_tags').values({ image_id: id, value: tag }).execute();
    await trx.updateTable('images').set({ updated_at: updatedAt }).where('id', '=', id).execute();
  });
}

/** False when the image did not carry the tag. */
export async function removeTag(db: ImageDb, id: string, tag: string, updatedAt: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const res = await trx
      .deleteFrom('image_tags')
      .where('image_id', '=', id)
      .where('value', '=', tag)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) return false;
    await trx.updateTable('images').set({ updated_at: updatedAt }).where('id', '=', id).execute();
    return true;
  });
}

async function writeProperties(trx: Trx, id: string, props: Record<string, string>): Promise<void> {
  const rows = Object.entries(props).map(([name, value]) => ({ image_id: id, name, value }));
  if (rows.length > 0) await trx.insertInto('image_properties').values(rows).execute();
}

async function writeTags(trx: Trx, id: string, tags: readonly string[]): Promise<void> {
  const rows = [...new Set(tags)].map((value) => ({ image_id: id, value }));
  if (rows.length > 0) await trx.insertInto('image_tags').values(rows).execute();
}
