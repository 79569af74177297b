import { type Static, Type } from '@sinclair/typebox';
import { BadRequest } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { newId } from '../../core/ids.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { rawQuery } from '../query-hints.ts';
import { splitExtra, toBool } from '../rows.ts';
import { type Domain, deleteDomain, domainOf, findDomain, getDomain, listDomains } from '../store/domains.ts';
import { createProject, tagsOf, updateProject } from '../store/projects.ts';
import type { ProjectRow } from '../tables.ts';
import { createDefaults, filterBool, Name, normalizeKeys, SharedFields } from './project-fields.ts';

const DomainCreate = Type.Object({
  domain: Type.Object(
    { name: Name, explicit_domain_id: Type.Optional(Type.String()), ...SharedFields },
    { additionalProperties: true },
  ),
});
type DomainCreate = Static<typeof DomainCreate>;
const DomainUpdate = Type.Object({
  domain: Type.Object({ name: Type.Optional(Name), ...SharedFields }, { additionalProperties: true, minProperties: 1 }),
});
type DomainUpdate = Static<typeof DomainUpdate>;
const IdParam = Type.Object({ domain_id: Type.String({ maxLength: 64 }) });
type IdParam = Static<typeof IdParam>;
const ListQuery = Type.Object(
  { name: Type.Optional(Type.String()), enabled: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
type ListQuery = Static<typeof ListQuery>;

const KNOWN = ['name', 'description', 'enabled', 'tags', 'options'] as const;
// Keystone overwrites the hierarchy fields of a domain whatever the client sends, and never stores the explicit id.
const DROPPED = ['explicit_domain_id', 'domain_id', 'parent_id', 'is_domain'];

const extraOf = (body: Record<string, unknown>) => {
  const [, extra] = splitExtra(body, KNOWN);
  for (const k of DROPPED) delete extra[k];
  return normalizeKeys(extra);
};

export function domainsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const view = (r: ProjectRow, tags: readonly string[]): Domain & { links: { self: string } } => ({
    ...domainOf(r, tags),
    links: { self: deps.url(`/domains/${r.id}`) },
  });
  const tagsFor = async (id: string) => (await tagsOf(deps.db, [id])).get(id) ?? [];

  app.route<{ Querystring: ListQuery }>({
    method: ['GET', 'HEAD'],
    url: '/v3/domains',
    schema: { querystring: ListQuery },
    handler: async (req) => {
      const auth = req.ctx.requireAuth();
      req.ctx.enforce('identity:list_domains', auth.domainId ? { target: { domain: { id: auth.domainId } } } : {});
      const rows = await listDomains(deps.db, { name: req.query.name, enabled: filterBool(req.query.enabled) });
      // A domain-scoped reader sees its own domain only.
      const visible = auth.domainId ? rows.filter((r) => r.id === auth.domainId) : rows;
      const tags = await tagsOf(
        deps.db,
        visible.map((r) => r.id),
      );
      return {
        domains: visible.map((r) => view(r, tags.get(r.id) ?? [])),
        links: collectionLinks(deps, '/domains', rawQuery(req.url)),
      };
    },
  });

  app.post<{ Body: DomainCreate }>('/v3/domains', { schema: { body: DomainCreate } }, async (req, reply) => {
    req.ctx.enforce('identity:create_domain');
    const body = req.body.domain;
    const explicit = body.explicit_domain_id;
    // Keystone accepts an explicit id only in its own format (a UUID4 as 32 lowercase hex digits).
    if (explicit !== undefined && !/^[0-9a-f]{32}$/.test(explicit))
      throw new BadRequest('Domain ID does not conform to required UUID format.');
    const { row, tags } = await createProject(deps.db, {
      id: explicit ?? newId(),
      name: body.name,
      is_domain: true,
      domain_id: null,
      parent_id: null,
      ...createDefaults(body),
      extra: extraOf(body),
    });
    return reply.code(201).send({ domain: view(row, tags) });
  });

  app.route<{ Params: IdParam }>({
    method: ['GET', 'HEAD'],
    url: '/v3/domains/:domain_id',
    schema: { params: IdParam },
    handler: async (req) => {
      const id = req.params.domain_id;
      const found = await findDomain(deps.db, id);
      req.ctx.enforce('identity:get_domain', {
        domain_id: id,
        ...(found && { target: { domain: { id: found.id, name: found.name, enabled: toBool(found.enabled) } } }),
      });
      const row = found ?? (await getDomain(deps.db, id));
      return { domain: view(row, await tagsFor(id)) };
    },
  });

  app.patch<{ Params: IdParam; Body: DomainUpdate }>(
    '/v3/domains/:domain_id',
    { schema: { params: IdParam, body: DomainUpdate } },
    async (req) => {
      req.ctx.enforce('identity:update_domain');
      const id = req.params.domain_id;
      await getDomain(deps.db, id);
      const body = req.body.domain;
      const { before, row, tags } = await updateProject(deps.db, id, {
        sent: Object.keys(body),
        name: body.name,
        description: body.description,
        enabled: body.enabled,
        tags: body.tags,
        options: body.options,
        extra: extraOf(body),
      });
      // Tokens scoped to the domain or its projects stop at once (Keystone empties its token cache here).
      if (toBool(before.enabled) && !toBool(row.enabled)) await deps.revocations.revoke({ domain_id: id });
      return { domain: view(row, tags) };
    },
  );

  app.delete<{ Params: IdParam }>('/v3/domains/:domain_id', { schema: { params: IdParam } }, async (req, reply) => {
    req.ctx.enforce('identity:delete_domain');
    await deleteDomain(deps.db, req.params.domain_id);
    await deps.revocations.revoke({ domain_id: req.params.domain_id });
    return reply.code(204).send();
  });
}
