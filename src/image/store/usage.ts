import { sql } from 'kysely';
import type { ImageDb, ImageStatus } from '../tables.ts';

/** Statuses in which an image is being given data (Glance's "uploading" count and staging usage). */
const IN_TRANSIT: ImageStatus[] = ['saving', 'uploading', 'importing'];
const STAGED: ImageStatus[] = ['uploading', 'importing'];

/** What a project's images use, for the unified-limit checks; deleted images count for nothing. */
export async function imageCount(db: ImageDb, owner: string): Promise<number> {
  return count(db, owner);
}

export async function uploadingCount(db: ImageDb, owner: string): Promise<number> {
  return count(db, owner, IN_TRANSIT);
}

export async function storedBytes(db: ImageDb, owner: string): Promise<number> {
  return totalSize(db, owner, ['active', 'deactivated']);
}

export async function stagedBytes(db: ImageDb, owner: string): Promise<number> {
  return totalSize(db, owner, STAGED);
}

async function count(db: ImageDb, owner: string, statuses?: ImageStatus[]): Promise<number> {
  let q = db
    .selectFrom('images')
    .select(sql<number>`count(*)`.as('n'))
    .where('owner', '=', owner)
    .where('status', 'not in', ['deleted', 'pending_delete']);
  if (statuses) q = q.where('status', 'in', statuses);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

async function totalSize(db: ImageDb, owner: string, statuses: ImageStatus[]): Promise<number> {
  const row = await db
    .selectFrom('images')
    .select(sql<number | null>`sum(size)`.as('bytes'))
    .where('owner', '=', owner)
    .where('status', 'in', statuses)
    .executeTakeFirstOrThrow();
  return Number(row.bytes ?? 0);
}
