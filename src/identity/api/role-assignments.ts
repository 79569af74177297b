import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { BadRequest, NotFound } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { rawQuery } from '../query-hints.ts';
import { formatAssignment, loadNames } from '../role-assignment-format.ts';
import { type AssignmentFilter, listAssignments, restrictToDomain } from '../role-assignment-listing.ts';
import { queryFlag } from '../rows.ts';
import { findProjectOrDomain } from '../store/assignments.ts';

const Id = Type.String({ maxLength: 255 });
// Other parameters are ignored, as Keystone ignores them.
const ListQuery = Type.Object(
  {
    'user.id': Type.Optional(Id),
    'group.id': Type.Optional(Id),
    'role.id': Type.Optional(Id),
    'scope.project.id': Type.Optional(Id),
    'scope.domain.id': Type.Optional(Id),
    'scope.system': Type.Optional(Type.String()),
    'scope.OS-INHERIT:inherited_to': Type.Optional(Type.String()),
    effective: Type.Optional(Type.String()),
    include_names: Type.Optional(Type.String()),
    include_subtree: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
type ListQuery = Static<typeof ListQuery>;

/** GET /v3/role_assignments, and its include_subtree form (`identity:list_role_assignments_for_tree`). */
export function roleAssignmentsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const list = async (req: FastifyRequest<{ Querystring: ListQuery }>) => {
    const q = req.query;
    // Keystone tests these filters for truth: an empty value counts as not given.
    const given = (v: string | undefined) => (v ? v : undefined);
    const projectId = given(q['scope.project.id']);
    const caller = req.ctx.requireAuth();
    const tree = queryFlag(q.include_subtree);
    if (tree) {
      const project = projectId ? await findProjectOrDomain(deps.db, 'project', projectId) : undefined;
      req.ctx.enforce(
        'identity:list_role_assignments_for_tree',
        project ? { target: { project, domain_id: project.domain_id } } : {},
      );
      if (projectId && !project) throw new NotFound(`Could not find project: ${projectId}.`);
      if (!projectId) throw new BadRequest('scope.project.id must be specified if include_subtree is also specified');
    } else {
      // A domain-scoped reader passes on its own domain and then sees only that domain's assignments.
      req.ctx.enforce(
        'identity:list_role_assignments',
        caller.domainId ? { target: { domain_id: caller.domainId } } : {},
      );
    }

    const filter: AssignmentFilter = {
      roleId: given(q['role.id']),
      userId: given(q['user.id']),
      groupId: given(q['group.id']),
      system: q['scope.system'] === 'all',
      domainId: given(q['scope.domain.id']),
      projectId,
      includeSubtree: tree,
      inherited:
        q['scope.OS-INHERIT:inherited_to'] === undefined ? null : q['scope.OS-INHERIT:inherited_to'] === 'projects',
      effective: queryFlag(q.effective),
    };
    refuseContradictions(filter, given(q['scope.system']) !== undefined);

    let refs = await listAssignments(deps.db, filter);
    if (!tree && caller.domainId) refs = await restrictToDomain(deps.db, refs, caller.domainId);
    const names = queryFlag(q.include_names) ? await loadNames(deps.db, refs) : undefined;
    return {
      role_assignments: refs.map((r) => formatAssignment(r, deps.url, names)),
      links: collectionLinks(deps, '/role_assignments', rawQuery(req.url)),
    };
  };

  const schema = { querystring: ListQuery };
  app.get<{ Querystring: ListQuery }>('/v3/role_assignments', { schema }, list);
  app.head<{ Querystring: ListQuery }>('/v3/role_assignments', { schema }, async (req, reply) => {
    await list(req);
    return reply.code(200).send();
  });
}

/** Keystone's 400s for filter combinations that name two actors or two scopes, or can only give nothing. */
function refuseContradictions(f: AssignmentFilter, systemGiven: boolean): void {
  if (f.domainId && f.projectId) throw new BadRequest('Specify a domain or project, not both');
  if (f.domainId && systemGiven) throw new BadRequest('Specify system or domain, not both');
  if (f.projectId && systemGiven) throw new BadRequest('Specify system or project, not both');
  if (f.userId && f.groupId) throw new BadRequest('Specify a user or group, not both');
  if (f.effective && f.groupId)
    throw new BadRequest('Combining effective and group filter will always result in an empty list.');
  if (f.effective && f.inherited && f.domainId)
    throw new BadRequest('Combining effective, domain and inherited filters will always result in an empty list.');
}
