import { type Static, Type } from '@sinclair/typebox';
import { BadRequest, MethodNotAllowed, NotFound } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { newId } from '../../core/ids.ts';
import { DEFAULT_DOMAIN } from '../bootstrap.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { hashPassword } from '../passwords.ts';
import { checkExpiryHints, exactHint, hintsFrom, matchesHints, rawQuery, visibleViews } from '../query-hints.ts';
import { fromBool, parseObject, splitExtra, toBool } from '../rows.ts';
import { checkPasswordStrength, passwordColumns, passwordHistoryDepth } from '../security-compliance.ts';
import { groupOf, listGroups } from '../store/groups.ts';
import { projectsOfUser } from '../store/user-projects.ts';
import { createUser, deleteUser, findUser, listUsers, type User, updateUser, userOf } from '../store/users.ts';
import type { UserRow } from '../tables.ts';
import { mergeOptions, UserOptions } from '../user-options.ts';
import { changeOwnPassword } from '../user-password.ts';

const NullableText = Type.Optional(Type.Union([Type.String(), Type.Null()]));
// Keystone accepts federated objects only for identity providers it knows; Strata has none (see refuseFederated).
const Federated = Type.Array(
  Type.Object({
    idp_id: Type.String(),
    protocols: Type.Array(Type.Object({ protocol_id: Type.String(), unique_id: Type.String() }), { minItems: 1 }),
  }),
);
const userFields = {
  name: Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' }),
  domain_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' })),
  enabled: Type.Optional(Type.Boolean()),
  password: Type.Optional(Type.Union([Type.String({ maxLength: 4096 }), Type.Null()])),
  // Columns are 64 wide; a longer id could name no project anyway.
  default_project_id: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  description: NullableText,
  email: NullableText,
  options: Type.Optional(UserOptions),
  federated: Type.Optional(Federated),
};
// Other attributes are the client's own: stored in `extra` and shown back.
const UserCreate = Type.Object({ user: Type.Object(userFields, { additionalProperties: true }) });
type UserCreate = Static<typeof UserCreate>;
const UserUpdate = Type.Object({
  user: Type.Object(
    { ...userFields, name: Type.Optional(userFields.name), id: Type.Optional(Type.String()) },
    { additionalProperties: true, minProperties: 1 },
  ),
});
type UserUpdate = Static<typeof UserUpdate>;
const PasswordChange = Type.Object({
  user: Type.Object(
    { original_password: Type.String(), password: Type.String({ maxLength: 4096 }) },
    { additionalProperties: false },
  ),
});
type PasswordChange = Static<typeof PasswordChange>;
const IdParam = Type.Object({ user_id: Type.String() });
type IdParam = Static<typeof IdParam>;
// Exact and `__contains`-style filters; repeated keys come as arrays and are a 400 (Keystone reads one value).
const ListQuery = Type.Record(Type.String(), Type.String());
type ListQuery = Static<typeof ListQuery>;

// password_expires_at is Keystone's to compute, never the client's; it is dropped from requests with these.
const KNOWN = [...Object.keys(userFields), 'password_expires_at'] as const;
const USER_FILTERS = ['domain_id', 'enabled', 'name', 'password_expires_at'];

export function usersRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const sc = deps.config.identity.securityCompliance;
  const view = (r: UserRow): User & { links: { self: string } } => ({
    ...userOf(r),
    links: { self: deps.url(`/users/${r.id}`) },
  });
  // The policy target Keystone builds: the path's user_id, and the stored user when there is one.
  const target = (id: string, row: UserRow | undefined) => ({
    user_id: id,
    ...(row && { target: { user: userOf(row) } }),
  });

  app.route<{ Querystring: ListQuery }>({
    method: ['GET', 'HEAD'],
    url: '/v3/users',
    schema: { querystring: ListQuery },
    handler: async (req) => {
      const caller = req.ctx.requireAuth();
      req.ctx.enforce('identity:list_users', caller.domainId ? { target: { domain_id: caller.domainId } } : {});
      const hints = hintsFrom(req.query, USER_FILTERS);
      checkExpiryHints(hints);
      const rows = await listUsers(deps.db, {
        domain_id: exactHint(hints, 'domain_id'),
        name: exactHint(hints, 'name'),
      });
      const users = visibleViews(rows, caller.domainId, view, hints);
      return { users, links: collectionLinks(deps, '/users', rawQuery(req.url)) };
    },
  });

  app.post<{ Body: UserCreate }>('/v3/users', { schema: { body: UserCreate } }, async (req, reply) => {
    const caller = req.ctx.requireAuth();
    const body = req.body.user;
    req.ctx.enforce('identity:create_user', { target: { user: body } });
    refuseFederated(body.federated);
    if (body.password !== undefined) checkPasswordStrength(sc, body.password);
    const [, extra] = splitExtra(body, KNOWN);
    const hash =
      typeof body.password === 'string' ? await hashPassword(body.password, deps.config.identity.scrypt) : null;
    const options = mergeOptions({}, body.options);
    const now = new Date();
    const row = await createUser(deps.db, {
      id: newId(),
      // Keystone's default: the domain of a domain-scoped token, else the default domain.
      domain_id: body.domain_id ?? caller.domainId ?? DEFAULT_DOMAIN,
      name: body.name.trim(),
      enabled: fromBool(body.enabled),
      ...passwordColumns(sc, hash, options, 'admin', now),
      default_project_id: body.default_project_id ?? null,
      description: body.description ?? null,
      email: body.email ?? null,
      extra: JSON.stringify(extra),
      options: JSON.stringify(options),
      created_at: now.toISOString(),
      last_active_at: null,
      failed_auth_count: null,
      failed_auth_at: null,
    });
    return reply.code(201).send({ user: view(row) });
  });

  app.route<{ Params: IdParam }>({
    method: ['GET', 'HEAD'],
    url: '/v3/users/:user_id',
    schema: { params: IdParam },
    handler: async (req) => {
      const row = await findUser(deps.db, req.params.user_id);
      req.ctx.enforce('identity:get_user', target(req.params.user_id, row));
      if (!row) throw new NotFound(`Could not find user: ${req.params.user_id}.`);
      return { user: view(row) };
    },
  });

  app.patch<{ Params: IdParam; Body: UserUpdate }>(
    '/v3/users/:user_id',
    { schema: { params: IdParam, body: UserUpdate } },
    async (req) => {
      const id = req.params.user_id;
      const current = await findUser(deps.db, id);
      req.ctx.enforce('identity:update_user', target(id, current));
      if (!current) throw new NotFound(`Could not find user: ${id}.`);
      const body = req.body.user;
      if (body.id !== undefined && body.id !== id) throw new BadRequest('Cannot change user ID');
      if (body.domain_id !== undefined && body.domain_id !== current.domain_id)
        throw new BadRequest('Cannot change Domain ID');
      refuseFederated(body.federated);
      if (body.password !== undefined) checkPasswordStrength(sc, body.password);
      const [, extra] = splitExtra(body, KNOWN);
      const hash =
        typeof body.password === 'string' ? await hashPassword(body.password, deps.config.identity.scrypt) : null;
      const { before, after } = await updateUser(
        deps.db,
        id,
        (cur) => {
          const options = mergeOptions(parseObject(cur.options), body.options);
          const enabled = body.enabled ?? toBool(cur.enabled);
          return {
            ...(body.name !== undefined && { name: body.name.trim() }),
            ...(body.enabled !== undefined && { enabled: fromBool(body.enabled) }),
            // An admin reset is not held to the password history or minimum age (Keystone checks those only on
            // self-service changes), but the outgoing password still joins the history.
            ...(body.password !== undefined && passwordColumns(sc, hash, options, 'admin', new Date())),
            ...(body.default_project_id !== undefined && { default_project_id: body.default_project_id }),
            ...(body.description !== undefined && { description: body.description }),
            ...(body.email !== undefined && { email: body.email }),
            // Keystone re-sets `enabled` on every update, and setting it true clears the failure count: any
            // update of an enabled user is how an admin unlocks it.
            ...(enabled && { failed_auth_count: null, failed_auth_at: null }),
            options: JSON.stringify(options),
            extra: JSON.stringify({ ...parseObject(cur.extra), ...extra }),
          };
        },
        { passwordHistory: passwordHistoryDepth(sc) },
      );
      // Keystone revokes on disabling and on a new password; clearing the password (null) revokes too, since the
      // tokens it proved would otherwise outlive it.
      if ((toBool(before.enabled) && !toBool(after.enabled)) || body.password !== undefined)
        await deps.revocations.revoke({ user_id: id });
      return { user: view(after) };
    },
  );

  app.delete<{ Params: IdParam }>('/v3/users/:user_id', { schema: { params: IdParam } }, async (req, reply) => {
    const id = req.params.user_id;
    req.ctx.enforce('identity:delete_user', target(id, await findUser(deps.db, id)));
    await deleteUser(deps.db, id);
    await deps.revocations.revoke({ user_id: id });
    return reply.code(204).send();
  });

  app.post<{ Params: IdParam; Body: PasswordChange }>(
    '/v3/users/:user_id/password',
    { config: { public: true }, schema: { params: IdParam, body: PasswordChange } },
    async (req, reply) => {
      const { original_password, password } = req.body.user;
      await changeOwnPassword(deps, req.params.user_id, original_password, password);
      return reply.code(204).send();
    },
  );
  app.get('/v3/users/:user_id/password', { config: { public: true } }, async () => {
    throw new MethodNotAllowed();
  });

  app.route<{ Params: IdParam; Querystring: ListQuery }>({
    method: ['GET', 'HEAD'],
    url: '/v3/users/:user_id/projects',
    schema: { params: IdParam, querystring: ListQuery },
    handler: async (req) => {
      const id = req.params.user_id;
      req.ctx.enforce('identity:list_user_projects', target(id, await findUser(deps.db, id)));
      // As Keystone, an unknown user simply has no projects.
      const hints = hintsFrom(req.query, ['domain_id', 'enabled', 'name']);
      const projects = (await projectsOfUser(deps.db, id))
        .filter((p) => matchesHints(p, hints))
        .map((p) => ({ ...p, links: { self: deps.url(`/projects/${p.id}`) } }));
      return { projects, links: collectionLinks(deps, `/users/${id}/projects`, rawQuery(req.url)) };
    },
  });

  app.route<{ Params: IdParam; Querystring: ListQuery }>({
    method: ['GET', 'HEAD'],
    url: '/v3/users/:user_id/groups',
    schema: { params: IdParam, querystring: ListQuery },
    handler: async (req) => {
      const caller = req.ctx.requireAuth();
      const id = req.params.user_id;
      const user = await findUser(deps.db, id);
      req.ctx.enforce('identity:list_groups_for_user', target(id, user));
      if (!user) throw new NotFound(`Could not find user: ${id}.`);
      const hints = hintsFrom(req.query, ['name']);
      const rows = await listGroups(deps.db, { member_id: id, name: exactHint(hints, 'name') });
      const groups = visibleViews(
        rows,
        caller.domainId,
        (g) => ({
          ...groupOf(g),
          // Strata has no expiring (federated) memberships; Keystone shows null for permanent ones.
          membership_expires_at: null,
          links: { self: deps.url(`/groups/${g.id}`) },
        }),
        hints,
      );
      return { groups, links: collectionLinks(deps, `/users/${id}/groups`, rawQuery(req.url)) };
    },
  });
}

/** Strata has no identity providers, so any federated object names one Keystone would not find. */
function refuseFederated(federated: Static<typeof Federated> | undefined): void {
  if (federated?.length) throw new BadRequest(`Could not find Identity Provider: ${federated[0].idp_id}`);
}
