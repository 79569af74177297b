import { type Static, Type } from '@sinclair/typebox';
import { Forbidden, NotFound } from '../../core/errors.ts';
import type { RequestContext, ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';
import {
  addMember,
  type Caller,
  getMember,
  listMembers,
  memberView,
  removeMember,
  setMemberStatus,
  visibleImage,
} from '../store/members.ts';
import type { ImageDb, ImageMemberRow, ImageRow } from '../tables.ts';

// Glance reads only `member` and `status` and ignores anything else in the body.
const MemberCreate = Type.Object({ member: Type.String({ minLength: 1, maxLength: 255 }) });
type MemberCreate = Static<typeof MemberCreate>;
const MemberUpdate = Type.Object({
  status: Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('rejected')]),
});
type MemberUpdate = Static<typeof MemberUpdate>;
// No length limits on ids in the URL: Glance answers an over-long one as a missing image or member (404), not 400.
const ImageParam = Type.Object({ image_id: Type.String() });
type ImageParam = Static<typeof ImageParam>;
const MemberParam = Type.Object({ image_id: Type.String(), member_id: Type.String() });
type MemberParam = Static<typeof MemberParam>;

type MemberRule = 'add_member' | 'get_member' | 'get_members' | 'modify_member' | 'delete_member';

function callerOf(ctx: RequestContext): Caller {
  const auth = ctx.requireAuth();
  return { projectId: auth.projectId ?? null, isAdmin: auth.roles.some((r) => r.name === 'admin') };
}

/**
 * Glance's policy target for member calls is the image (ImageTarget: `project_id` is its owner, `member_id` the
 * caller's project when the image is shared with it), whichever membership the URL names. The owner and member
 * checks in the handlers hold whatever the policy file says, as Glance's `_check_visibility_and_ownership` does
 * with `enforce_new_defaults = false`.
 */
function enforceMemberRule(
  ctx: RequestContext,
  rule: MemberRule,
  image: ImageRow,
  membership: ImageMemberRow | undefined,
): void {
  ctx.enforce(rule, {
    project_id: image.owner,
    owner: image.owner,
    visibility: image.visibility,
    image_id: image.id,
    member_id: membership?.member ?? null,
  });
}

function requireShared(image: ImageRow): void {
  if (image.visibility !== 'shared') throw new Forbidden('Only shared images have members.');
}

const isOwner = (caller: Caller, image: ImageRow) => image.owner !== null && image.owner === caller.projectId;

export function membersRoutes(app: ServiceApp, deps: ImageDeps): void {
  app.post<{ Params: ImageParam; Body: MemberCreate }>(
    '/v2/images/:image_id/members',
    { schema: { params: ImageParam, body: MemberCreate } },
    async (req) => {
      const caller = callerOf(req.ctx);
      const { image, membership } = await visibleImage(deps.db, req.params.image_id, caller);
      requireShared(image);
      if (!caller.isAdmin && !isOwner(caller, image)) {
        throw new Forbidden(`Not allowed to create members for image ${image.id}.`);
      }
      enforceMemberRule(req.ctx, 'add_member', image, membership);
      return memberView(await addMember(deps.db, image.id, req.body.member));
    },
  );

  app.get<{ Params: ImageParam }>('/v2/images/:image_id/members', { schema: { params: ImageParam } }, async (req) => {
    const caller = callerOf(req.ctx);
    const { image, membership } = await visibleImage(deps.db, req.params.image_id, caller);
    requireShared(image);
    enforceMemberRule(req.ctx, 'get_members', image, membership);
    // A member sees its own membership only: who else an image is shared with is the owner's business.
    const onlyMember = caller.isAdmin || isOwner(caller, image) ? undefined : (caller.projectId ?? '');
    const rows = await listMembers(deps.db, image.id, onlyMember);
    return { members: rows.map(memberView), schema: '/v2/schemas/members' };
  });

  app.get<{ Params: MemberParam }>(
    '/v2/images/:image_id/members/:member_id',
    { schema: { params: MemberParam } },
    async (req) => {
      const caller = callerOf(req.ctx);
      try {
        const { image, membership } = await visibleImage(deps.db, req.params.image_id, caller);
        requireShared(image);
        const row = await memberVisibleTo(deps.db, caller, image, req.params.member_id);
        enforceMemberRule(req.ctx, 'get_member', image, membership);
        return memberView(row);
      } catch (err) {
        // Glance answers a forbidden member lookup with 404, so a stranger cannot probe who an image is shared with.
        if (err instanceof Forbidden) throw new NotFound(err.message);
        throw err;
      }
    },
  );

  app.put<{ Params: MemberParam; Body: MemberUpdate }>(
    '/v2/images/:image_id/members/:member_id',
    { schema: { params: MemberParam, body: MemberUpdate } },
    async (req) => {
      const caller = callerOf(req.ctx);
      const { image, membership } = await visibleImage(deps.db, req.params.image_id, caller);
      requireShared(image);
      // Accepting is the consumer's decision: the owner may share an image but not accept it on another's behalf.
      if (!caller.isAdmin && isOwner(caller, image)) {
        throw new Forbidden("You are not permitted to modify 'status' on this image member.");
      }
      const row = await memberVisibleTo(deps.db, caller, image, req.params.member_id);
      enforceMemberRule(req.ctx, 'modify_member', image, membership);
      return memberView(await setMemberStatus(deps.db, image.id, row.member, req.body.status));
    },
  );

  app.delete<{ Params: MemberParam }>(
    '/v2/images/:image_id/members/:member_id',
    { schema: { params: MemberParam } },
    async (req, reply) => {
      const caller = callerOf(req.ctx);
      const { image, membership } = await visibleImage(deps.db, req.params.image_id, caller);
      requireShared(image);
      if (!caller.isAdmin && !isOwner(caller, image)) throw new Forbidden('You cannot delete image member.');
      const row = await getMember(deps.db, image.id, req.params.member_id);
      enforceMemberRule(req.ctx, 'delete_member', image, membership);
      await removeMember(deps.db, image.id, row.member);
      return reply.code(204).send();
    },
  );
}

/** The owner and admins see every membership; anyone else only its own, and others read as missing. */
async function memberVisibleTo(
  db: ImageDb,
  caller: Caller,
  image: ImageRow,
  memberId: string,
): Promise<ImageMemberRow> {
  if (!caller.isAdmin && !isOwner(caller, image) && memberId !== caller.projectId) {
    throw new NotFound(`${memberId} not found in the member list of the image ${image.id}.`);
  }
  return getMember(db, image.id, memberId);
}
