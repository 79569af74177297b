import type { FastifyRequest } from 'fastify';
import { BadRequest, Forbidden, NotFound } from '../core/errors.ts';
import type { IdentityDeps } from './deps.ts';
import { deleteAppCredsForUserOnProject } from './store/application-credentials.ts';
import {
  type ActorKind,
  type ActorRow,
  findActor,
  findProjectOrDomain,
  type GrantKey,
  groupMemberIds,
  SYSTEM_TARGET,
} from './store/assignments.ts';
import { findRole, roleTarget } from './store/roles.ts';
import { type ProjectRow, ROOT, type RoleRow } from './tables.ts';

export interface GrantContext {
  key: GrantKey;
  role?: RoleRow;
  actor?: ActorRow;
  scope?: ProjectRow;
}

export interface GrantRoute {
  scope: 'project' | 'domain' | 'system';
  actor: ActorKind;
  inherited: boolean;
  rule: string;
  verb: 'check' | 'create' | 'revoke' | 'list';
}

type GrantParams = Partial<Record<'project_id' | 'domain_id' | 'user_id' | 'group_id' | 'role_id', string>>;

/**
 * Reads what a grant URL names, enforces the rule against those records (Keystone's target: `role`, `user` or
 * `group`, `project` or `domain`), then reports what is missing: checking first keeps a caller without the
 * right from learning which ids exist. A grant may be revoked from a user or group that is already gone.
 */
export async function loadGrantContext(
  deps: IdentityDeps,
  req: FastifyRequest<{ Params: GrantParams }>,
  route: GrantRoute,
): Promise<GrantContext> {
  const p = req.params;
  const actorId = (route.actor === 'user' ? p.user_id : p.group_id) ?? '';
  const targetId =
    route.scope === 'system' ? SYSTEM_TARGET : ((route.scope === 'project' ? p.project_id : p.domain_id) ?? '');
  const [role, actor, scope] = await Promise.all([
    p.role_id === undefined ? undefined : findRole(deps.db, p.role_id),
    findActor(deps.db, route.actor, actorId),
    route.scope === 'system' ? undefined : findProjectOrDomain(deps.db, route.scope, targetId),
  ]);
  req.ctx.enforce(route.rule, {
    ...p,
    target: {
      ...(role && { role: roleTarget(role) }),
      ...(actor && { [route.actor]: actor }),
      ...(scope && { [route.scope]: scopeTarget(scope) }),
    },
  });
  if (p.role_id !== undefined && !role) throw new NotFound(`Could not find role: ${p.role_id}.`);
  if (!actor && route.verb !== 'revoke') throw new NotFound(`Could not find ${route.actor}: ${actorId}.`);
  if (route.scope !== 'system' && !scope) throw new NotFound(`Could not find ${route.scope}: ${targetId}.`);
  return {
    key: {
      actor: route.actor,
      actorId,
      target: route.scope,
      targetId,
      roleId: p.role_id ?? '',
      inherited: route.inherited,
    },
    role,
    actor,
    scope,
  };
}

/** A project or domain as Keystone's policy target has it (a domain has no domain_id of its own). */
const scopeTarget = (r: ProjectRow) =>
  r.is_domain
    ? { id: r.id, name: r.name, enabled: r.enabled === 1 }
    : { id: r.id, name: r.name, domain_id: r.domain_id, parent_id: r.parent_id, enabled: r.enabled === 1 };

/**
 * A domain-specific role is granted only inside its own domain, and never on the system: such roles exist to
 * imply global roles for that domain's projects.
 */
export function checkGrantable(g: GrantContext): void {
  const roleDomain = g.role?.domain_id ?? ROOT;
  if (roleDomain === ROOT) return;
  const { roleId, target, targetId } = g.key;
  if (target === 'system')
    throw new BadRequest(
      `Role ${roleId} is a domain-specific role. Unable to use a domain-specific role in a system assignment.`,
    );
  if (target === 'project' && g.scope?.domain_id !== roleDomain)
    throw new Forbidden(`Project ${targetId} must be in the same domain as the role ${roleId} being assigned.`);
  if (target === 'domain' && targetId !== roleDomain)
    throw new Forbidden(`Domain ${targetId} must be the domain of the role ${roleId} being assigned.`);
}

/**
 * After a grant is removed: tokens are re-read at every validation, so the event's real work is to empty every
 * process's auth cache; it also ends the affected users' tokens on that target. A system grant has no target
 * field to match, so its event names the role: only tokens still carrying that role through another grant die.
 */
export async function revokeTokensFor(deps: IdentityDeps, key: GrantKey): Promise<void> {
  const users = key.actor === 'user' ? [key.actorId] : await groupMemberIds(deps.db, key.actorId);
  for (const user_id of users) {
    if (key.target === 'project') {
      await deps.revocations.revoke({ user_id, project_id: key.targetId });
      // Keystone drops the user's application credentials on a project when a role there is taken away.
      await deleteAppCredsForUserOnProject(deps.db, user_id, key.targetId);
    } else if (key.target === 'domain') await deps.revocations.revoke({ user_id, domain_id: key.targetId });
    else await deps.revocations.revoke({ user_id, role_id: key.roleId });
  }
}
