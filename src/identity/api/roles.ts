import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { BadRequest, NotFound } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { newId } from '../../core/ids.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { rawQuery } from '../query-hints.ts';
import { splitExtra } from '../rows.ts';
import {
  createRole,
  deleteRole,
  findRole,
  listRoles,
  type Role,
  roleOf,
  roleTarget,
  updateRole,
} from '../store/roles.ts';
import { ROOT, type RoleRow } from '../tables.ts';

// Keystone's role schema: a name with at least one non-blank character, ids of its id_string shape.
const RoleName = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' });
const DomainId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' });
const RoleOptions = Type.Object(
  { immutable: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])) },
  { additionalProperties: false },
);
const RoleFields = {
  description: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  domain_id: Type.Optional(Type.Union([DomainId, Type.Null()])),
  options: Type.Optional(RoleOptions),
};
const RoleCreate = Type.Object(
  { role: Type.Object({ name: RoleName, ...RoleFields }, { additionalProperties: true }) },
  { additionalProperties: false },
);
type RoleCreate = Static<typeof RoleCreate>;
const RoleUpdate = Type.Object(
  {
    role: Type.Object(
      { name: Type.Optional(RoleName), id: Type.Optional(Type.String()), ...RoleFields },
      { additionalProperties: true, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
);
type RoleUpdate = Static<typeof RoleUpdate>;
const IdParam = Type.Object({ role_id: Type.String({ maxLength: 255 }) });
type IdParam = Static<typeof IdParam>;
const ListQuery = Type.Object(
  { name: Type.Optional(RoleName), domain_id: Type.Optional(DomainId) },
  { additionalProperties: true },
);
type ListQuery = Static<typeof ListQuery>;

const KNOWN = ['name', 'description', 'domain_id', 'options'] as const;

export function rolesRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (r: RoleRow): Role & { links: { self: string } } => ({
    ...roleOf(r),
    links: { self: deps.url(`/roles/${r.id}`) },
  });

  /**
   * Keystone checks `*_domain_role` for a domain-specific role and `*_role` otherwise, and checks before
   * answering 404 so a caller cannot probe which role ids exist.
   */
  const loadEnforced = async (req: FastifyRequest, id: string, verb: 'get' | 'update' | 'delete') => {
    const row = await findRole(deps.db, id);
    if (row && row.domain_id !== ROOT)
      req.ctx.enforce(`identity:${verb}_domain_role`, { target: { role: roleTarget(row) } });
    else req.ctx.enforce(`identity:${verb}_role`, row ? { target: { role: roleTarget(row) } } : {});
    if (!row) throw new NotFound(`Could not find role: ${id}.`);
    return row;
  };

  const list = async (req: FastifyRequest<{ Querystring: ListQuery }>) => {
    const { name, domain_id } = req.query;
    req.ctx.enforce(domain_id ? 'identity:list_domain_roles' : 'identity:list_roles');
    const rows = await listRoles(deps.db, { name, domain_id });
    return { roles: rows.map(view), links: collectionLinks(deps, '/roles', rawQuery(req.url)) };
  };
  app.get<{ Querystring: ListQuery }>('/v3/roles', { schema: { querystring: ListQuery } }, list);
  app.head<{ Querystring: ListQuery }>('/v3/roles', { schema: { querystring: ListQuery } }, async (req, reply) => {
    await list(req);
    return reply.code(200).send();
  });

  app.post<{ Body: RoleCreate }>('/v3/roles', { schema: { body: RoleCreate } }, async (req, reply) => {
    const body = req.body.role;
    if (body.domain_id) req.ctx.enforce('identity:create_domain_role', { target: { role: body } });
    else req.ctx.enforce('identity:create_role');
    const [cols, extra] = splitExtra(body, KNOWN);
    const options = Object.fromEntries(Object.entries(body.options ?? {}).filter(([, v]) => v !== null));
    const row = await createRole(deps.db, {
      id: newId(),
      name: body.name,
      domain_id: body.domain_id ?? ROOT,
      description: (cols.description as string | null | undefined) ?? null,
      extra: JSON.stringify(extra),
      options: JSON.stringify(options),
    });
    return reply.code(201).send({ role: view(row) });
  });

  app.get<{ Params: IdParam }>('/v3/roles/:role_id', { schema: { params: IdParam } }, async (req) => ({
    role: view(await loadEnforced(req, req.params.role_id, 'get')),
  }));
  app.head<{ Params: IdParam }>('/v3/roles/:role_id', { schema: { params: IdParam } }, async (req, reply) => {
    await loadEnforced(req, req.params.role_id, 'get');
    return reply.code(200).send();
  });

  app.patch<{ Params: IdParam; Body: RoleUpdate }>(
    '/v3/roles/:role_id',
    { schema: { params: IdParam, body: RoleUpdate } },
    async (req) => {
      const id = req.params.role_id;
      await loadEnforced(req, id, 'update');
      const body = req.body.role;
      if (body.id !== undefined && body.id !== id) throw new BadRequest('Cannot change ID');
      const [cols, extra] = splitExtra(body, KNOWN);
      const row = await updateRole(deps.db, id, {
        name: cols.name as string | undefined,
        description: cols.description as string | null | undefined,
        domain_id: cols.domain_id as string | null | undefined,
        options: cols.options as Record<string, unknown> | undefined,
        extra,
        bodyKeys: Object.keys(body),
      });
      return { role: view(row) };
    },
  );

  app.delete<{ Params: IdParam }>('/v3/roles/:role_id', { schema: { params: IdParam } }, async (req, reply) => {
    const id = req.params.role_id;
    await loadEnforced(req, id, 'delete');
    await deleteRole(deps.db, id);
    // Tokens are re-read at validation, so this mainly drops every cached copy that still lists the role.
    await deps.revocations.revoke({ role_id: id });
    return reply.code(204).send();
  });
}
