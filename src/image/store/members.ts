import { isUniqueViolation } from '../../core/db/database.ts';
import { ApiError, Conflict, NotFound } from '../../core/errors.ts';
import type { ImageDb, ImageMemberRow, ImageRow } from '../tables.ts';

export type MemberStatus = ImageMemberRow['status'];

/** Glance's default `image_member_quota`: past it, adding a member answers 413. */
export const IMAGE_MEMBER_QUOTA = 128;

/** Who is asking: the caller's project and whether it holds the admin role (Glance's `context.is_admin`). */
export interface Caller {
  projectId: string | null;
  isAdmin: boolean;
}

/** The wire view of one membership (Glance's `member` schema). */
export interface MemberView {
  image_id: string;
  member_id: string;
  status: MemberStatus;
  created_at: string;
  updated_at: string;
  schema: string;
}

export const memberView = (r: ImageMemberRow): MemberView => ({
  image_id: r.image_id,
  member_id: r.member,
  status: r.status,
  created_at: r.created_at,
  updated_at: r.updated_at,
  schema: '/v2/schemas/member',
});

/** Glance's timestamps carry whole seconds and a `Z`. */
const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The image if the caller may see it. An image the caller may not see answers 404 like a missing one, as in
 * Glance: a 403 would tell a stranger that a private image id exists.
 */
export async function visibleImage(
  db: ImageDb,
  imageId: string,
  caller: Caller,
): Promise<{ image: ImageRow; membership: ImageMemberRow | undefined }> {
  const image = await db.selectFrom('images').selectAll().where('id', '=', imageId).executeTakeFirst();
  if (!image || image.status === 'deleted') throw new NotFound(`Image ${imageId} not found.`);
  const membership = caller.projectId ? await getMembership(db, imageId, caller.projectId) : undefined;
  const visible =
    caller.isAdmin ||
    (image.owner !== null && image.owner === caller.projectId) ||
    image.visibility === 'public' ||
    image.visibility === 'community' ||
    // Glance shows a shared image to its members whatever their status; the status only filters listings.
    (image.visibility === 'shared' && membership !== undefined);
  if (!visible) throw new NotFound(`Image ${imageId} not found.`);
  return { image, membership };
}

function getMembership(db: ImageDb, imageId: string, member: string): Promise<ImageMemberRow | undefined> {
  return db
    .selectFrom('image_members')
    .selectAll()
    .where('image_id', '=', imageId)
    .where('member', '=', member)
    .executeTakeFirst();
}

/** Members in creation order; `onlyMember` narrows the list to one project's own membership. */
export function listMembers(db: ImageDb, imageId: string, onlyMember?: string): Promise<ImageMemberRow[]> {
  let q = db.selectFrom('image_members').selectAll().where('image_id', '=', imageId);
  if (onlyMember !== undefined) q = q.where('member', '=', onlyMember);
  return q.orderBy('created_at').orderBy('member').execute();
}

export async function getMember(db: ImageDb, imageId: string, member: string): Promise<ImageMemberRow> {
  const row = await getMembership(db, imageId, member);
  if (!row) throw notAMember(imageId, member);
  return row;
}

export async function addMember(db: ImageDb, imageId: string, member: string): Promise<ImageMemberRow> {
  return db.transaction().execute(async (trx) => {
    const { count } = await trx
      .selectFrom('image_members')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('image_id', '=', imageId)
      .executeTakeFirstOrThrow();
    if (Number(count) >= IMAGE_MEMBER_QUOTA) {
      throw new ApiError(
        413,
        'Request Entity Too Large',
        `Image member limit exceeded for image ${imageId}: attempted: 1, maximum: ${IMAGE_MEMBER_QUOTA}`,
      );
    }
    const at = now();
    const row: ImageMemberRow = { image_id: imageId, member, status: 'pending', created_at: at, updated_at: at };
    try {
      await trx.insertInto('image_members').values(row).execute();
    } catch (err) {
      // The (image_id, member) primary key, not a prior read, is what refuses a second concurrent add.
      if (isUniqueViolation(err)) throw new Conflict(`Member ${member} is duplicated for image ${imageId}`);
      throw err;
    }
    return row;
  });
}

export async function setMemberStatus(
  db: ImageDb,
  imageId: string,
  member: string,
  status: MemberStatus,
): Promise<ImageMemberRow> {
  return db.transaction().execute(async (trx) => {
    const current = await getMember(trx, imageId, member);
    const next = { ...current, status, updated_at: now() };
    await trx
      .updateTable('image_members')
      .set({ status, updated_at: next.updated_at })
      .where('image_id', '=', imageId)
      .where('member', '=', member)
      .execute();
    return next;
  });
}

export async function removeMember(db: ImageDb, imageId: string, member: string): Promise<void> {
  const res = await db
    .deleteFrom('image_members')
    .where('image_id', '=', imageId)
    .where('member', '=', member)
    .executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw notAMember(imageId, member);
}

const notAMember = (imageId: string, member: string) =>
  new NotFound(`${member} not found in the member list of the image ${imageId}.`);
