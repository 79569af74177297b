import { type Static, Type } from '@sinclair/typebox';
import { BadRequest, NotFound } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { newId } from '../../core/ids.ts';
import { DEFAULT_DOMAIN } from '../bootstrap.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { checkExpiryHints, exactHint, hintsFrom, rawQuery, visibleViews } from '../query-hints.ts';
import { parseObject, splitExtra } from '../rows.ts';
import {
  addMember,
  checkMember,
  createGroup,
  deleteGroup,
  findGroup,
  type Group,
  groupOf,
  listGroups,
  removeMember,
  updateGroup,
} from '../store/groups.ts';
import { findUser, listUsers, userOf } from '../store/users.ts';
import type { GroupRow } from '../tables.ts';

const groupFields = {
  // Keystone's column is 64 wide; longer names are a 400 here rather than a database error.
  name: Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' }),
  domain_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' })),
  description: Type.Optional(Type.Union([Type.String(), Type.Null()])),
};
const GroupCreate = Type.Object({ group: Type.Object(groupFields, { additionalProperties: true }) });
type GroupCreate = Static<typeof GroupCreate>;
const GroupUpdate = Type.Object({
  group: Type.Object(
    { ...groupFields, name: Type.Optional(groupFields.name), id: Type.Optional(Type.String()) },
    { additionalProperties: true, minProperties: 1 },
  ),
});
type GroupUpdate = Static<typeof GroupUpdate>;
const IdParam = Type.Object({ group_id: Type.String() });
type IdParam = Static<typeof IdParam>;
const MemberParams = Type.Object({ group_id: Type.String(), user_id: Type.String() });
type MemberParams = Static<typeof MemberParams>;
const ListQuery = Type.Record(Type.String(), Type.String());
type ListQuery = Static<typeof ListQuery>;

const KNOWN = Object.keys(groupFields);

export function groupsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (r: GroupRow): Group & { links: { self: string } } => ({
    ...groupOf(r),
    links: { self: deps.url(`/groups/${r.id}`) },
  });
  const target = (id: string, row: GroupRow | undefined) => ({ group_id: id, ...(row && { target: { group: row } }) });
  // Membership rules read both records; either is left out when it does not exist (the store answers 404).
  const memberTarget = async ({ group_id, user_id }: MemberParams) => {
    const [group, user] = await Promise.all([findGroup(deps.db, group_id), findUser(deps.db, user_id)]);
    return {
      group_id,
      user_id,
      target: { ...(group && { group }), ...(user && { user: userOf(user) }) },
    };
  };

  app.route<{ Querystring: ListQuery }>({
    method: ['GET', 'HEAD'],
    url: '/v3/groups',
    schema: { querystring: ListQuery },
    handler: async (req) => {
      const caller = req.ctx.requireAuth();
      req.ctx.enforce(
        'identity:list_groups',
        caller.domainId ? { target: { group: { domain_id: caller.domainId } } } : {},
      );
      const hints = hintsFrom(req.query, ['domain_id', 'name']);
      const rows = await listGroups(deps.db, {
        domain_id: exactHint(hints, 'domain_id'),
        name: exactHint(hints, 'name'),
      });
      const groups = visibleViews(rows, caller.domainId, view, hints);
      return { groups, links: collectionLinks(deps, '/groups', rawQuery(req.url)) };
    },
  });

  app.post<{ Body: GroupCreate }>('/v3/groups', { schema: { body: GroupCreate } }, async (req, reply) => {
    const caller = req.ctx.requireAuth();
    const body = req.body.group;
    req.ctx.enforce('identity:create_group', { target: { group: body } });
    const [, extra] = splitExtra(body, KNOWN);
    const row = await createGroup(deps.db, {
      id: newId(),
      domain_id: body.domain_id ?? caller.domainId ?? DEFAULT_DOMAIN,
      name: body.name.trim(),
      // Keystone stores an empty description when none is given, and shows it.
      description: body.description === undefined ? '' : body.description,
      extra: JSON.stringify(extra),
    });
    return reply.code(201).send({ group: view(row) });
  });

  app.route<{ Params: IdParam }>({
    method: ['GET', 'HEAD'],
    url: '/v3/groups/:group_id',
    schema: { params: IdParam },
    handler: async (req) => {
      const row = await findGroup(deps.db, req.params.group_id);
      req.ctx.enforce('identity:get_group', target(req.params.group_id, row));
      if (!row) throw new NotFound(`Could not find group: ${req.params.group_id}.`);
      return { group: view(row) };
    },
  });

  app.patch<{ Params: IdParam; Body: GroupUpdate }>(
    '/v3/groups/:group_id',
    { schema: { params: IdParam, body: GroupUpdate } },
    async (req) => {
      const id = req.params.group_id;
      const current = await findGroup(deps.db, id);
      req.ctx.enforce('identity:update_group', target(id, current));
      if (!current) throw new NotFound(`Could not find group: ${id}.`);
      const body = req.body.group;
      if (body.id !== undefined && body.id !== id) throw new BadRequest('Cannot change group ID');
      if (body.domain_id !== undefined && body.domain_id !== current.domain_id)
        throw new BadRequest('Cannot change Domain ID');
      const [, extra] = splitExtra(body, KNOWN);
      const row = await updateGroup(deps.db, id, (cur) => ({
        ...(body.name !== undefined && { name: body.name.trim() }),
        ...(body.description !== undefined && { description: body.description }),
        extra: JSON.stringify({ ...parseObject(cur.extra), ...extra }),
      }));
      return { group: view(row) };
    },
  );

  app.delete<{ Params: IdParam }>('/v3/groups/:group_id', { schema: { params: IdParam } }, async (req, reply) => {
    const id = req.params.group_id;
    req.ctx.enforce('identity:delete_group', target(id, await findGroup(deps.db, id)));
    const { revokeUserIds } = await deleteGroup(deps.db, id);
    for (const user_id of revokeUserIds) await deps.revocations.revoke({ user_id });
    return reply.code(204).send();
  });

  app.route<{ Params: IdParam; Querystring: ListQuery }>({
    method: ['GET', 'HEAD'],
    url: '/v3/groups/:group_id/users',
    schema: { params: IdParam, querystring: ListQuery },
    handler: async (req) => {
      const caller = req.ctx.requireAuth();
      const id = req.params.group_id;
      const group = await findGroup(deps.db, id);
      req.ctx.enforce('identity:list_users_in_group', target(id, group));
      if (!group) throw new NotFound(`Could not find group: ${id}.`);
      const hints = hintsFrom(req.query, ['domain_id', 'enabled', 'name', 'password_expires_at']);
      checkExpiryHints(hints);
      const rows = await listUsers(deps.db, {
        group_id: id,
        domain_id: exactHint(hints, 'domain_id'),
        name: exactHint(hints, 'name'),
      });
      const users = visibleViews(
        rows,
        caller.domainId,
        (r) => ({ ...userOf(r), links: { self: deps.url(`/users/${r.id}`) } }),
        hints,
      );
      return { users, links: collectionLinks(deps, `/groups/${id}/users`, rawQuery(req.url)) };
    },
  });

  app.route<{ Params: MemberParams }>({
    method: ['GET', 'HEAD'],
    url: '/v3/groups/:group_id/users/:user_id',
    schema: { params: MemberParams },
    handler: async (req, reply) => {
      req.ctx.enforce('identity:check_user_in_group', await memberTarget(req.params));
      await checkMember(deps.db, req.params.group_id, req.params.user_id);
      return reply.code(204).send();
    },
  });

  app.put<{ Params: MemberParams }>(
    '/v3/groups/:group_id/users/:user_id',
    { schema: { params: MemberParams } },
    async (req, reply) => {
      req.ctx.enforce('identity:add_user_to_group', await memberTarget(req.params));
      await addMember(deps.db, req.params.group_id, req.params.user_id);
      await deps.revocations.tokensChanged();
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: MemberParams }>(
    '/v3/groups/:group_id/users/:user_id',
    { schema: { params: MemberParams } },
    async (req, reply) => {
      req.ctx.enforce('identity:remove_user_from_group', await memberTarget(req.params));
      await removeMember(deps.db, req.params.group_id, req.params.user_id);
      // The user's tokens may carry roles they held through the group.
      await deps.revocations.revoke({ user_id: req.params.user_id });
      return reply.code(204).send();
    },
  );
}
