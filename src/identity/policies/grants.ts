/**
 * Role grants (`/v3/{projects,domains}/{id}/{users,groups}/{id}/roles/{role_id}`, their OS-INHERIT twins) and system
 * grants (`/v3/system/{users,groups}/{id}/roles`). Targets: `target.role`, `target.user` or `target.group`, and
 * `target.project` (project grants) or `target.domain` (domain grants), each the full stored record.
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, ADMIN_OR_SYSTEM_READER, ops, orDeprecated, SYSTEM_READER } from './rule-parts.ts';

/**
 * `role` on a domain-scoped token whose domain (creds `domain_id`) owns both ends of the grant: the actor, a user or a
 * group, and what it is granted on, a project or the domain itself.
 */
function inCallersDomain(role: string): string {
  const actors = ['%(target.user.domain_id)s', '%(target.group.domain_id)s'];
  const scopes = ['%(target.project.domain_id)s', '%(target.domain.id)s'];
  return actors.flatMap((a) => scopes.map((s) => `(role:${role} and domain_id:${a} and domain_id:${s})`)).join(' or ');
}

/** The granted role is global (its domain_id is None) or one of the caller's domain's own roles. */
const ROLE_USABLE_IN_DOMAIN = '(domain_id:%(target.role.domain_id)s or None:%(target.role.domain_id)s)';

/** Domain admins grant any role usable in their domain; domain managers only the ones `domain_managed_target_role` lists. */
const CHANGE_GRANT = orDeprecated(
  `rule:admin_required or (${inCallersDomain('admin')}) and ${ROLE_USABLE_IN_DOMAIN} or (${inCallersDomain('manager')}) and rule:domain_managed_target_role`,
  ADMIN,
);

const GRANT_PATHS = [
  '/v3/projects/{project_id}/users/{user_id}/roles/{role_id}',
  '/v3/projects/{project_id}/groups/{group_id}/roles/{role_id}',
  '/v3/domains/{domain_id}/users/{user_id}/roles/{role_id}',
  '/v3/domains/{domain_id}/groups/{group_id}/roles/{role_id}',
  '/v3/OS-INHERIT/projects/{project_id}/users/{user_id}/roles/{role_id}/inherited_to_projects',
  '/v3/OS-INHERIT/projects/{project_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects',
  '/v3/OS-INHERIT/domains/{domain_id}/users/{user_id}/roles/{role_id}/inherited_to_projects',
  '/v3/OS-INHERIT/domains/{domain_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects',
];
const onGrantPaths = (methods: string) => ops(...GRANT_PATHS.map((path) => `${methods} ${path}`));

const SYSTEM_AND_PROJECT: PolicyRule['scopeTypes'] = ['system', 'project'];
const ALL_SCOPES: PolicyRule['scopeTypes'] = ['system', 'domain', 'project'];

export const grantsRules: readonly PolicyRule[] = [
  {
    name: 'identity:check_grant',
    check: orDeprecated(
      `rule:admin_required or ((${SYSTEM_READER}) or (${inCallersDomain('reader')}) and ${ROLE_USABLE_IN_DOMAIN})`,
      ADMIN,
    ),
    scopeTypes: ALL_SCOPES,
    operations: onGrantPaths('HEAD GET'),
  },
  {
    name: 'identity:list_grants',
    check: orDeprecated(`rule:admin_required or ((${SYSTEM_READER}) or ${inCallersDomain('reader')})`, ADMIN),
    scopeTypes: ALL_SCOPES,
    operations: ops(
      'GET HEAD /v3/projects/{project_id}/users/{user_id}/roles',
      'GET HEAD /v3/projects/{project_id}/groups/{group_id}/roles',
      'GET HEAD /v3/domains/{domain_id}/users/{user_id}/roles',
      'GET HEAD /v3/domains/{domain_id}/groups/{group_id}/roles',
      'GET /v3/OS-INHERIT/domains/{domain_id}/groups/{group_id}/roles/inherited_to_projects',
      'GET /v3/OS-INHERIT/domains/{domain_id}/users/{user_id}/roles/inherited_to_projects',
    ),
  },
  { name: 'identity:create_grant', check: CHANGE_GRANT, scopeTypes: ALL_SCOPES, operations: onGrantPaths('PUT') },
  { name: 'identity:revoke_grant', check: CHANGE_GRANT, scopeTypes: ALL_SCOPES, operations: onGrantPaths('DELETE') },
  {
    name: 'identity:list_system_grants_for_user',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: SYSTEM_AND_PROJECT,
    operations: ops('HEAD GET /v3/system/users/{user_id}/roles'),
  },
  {
    name: 'identity:check_system_grant_for_user',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: SYSTEM_AND_PROJECT,
    operations: ops('HEAD GET /v3/system/users/{user_id}/roles/{role_id}'),
  },
  {
    name: 'identity:create_system_grant_for_user',
    check: ADMIN,
    scopeTypes: SYSTEM_AND_PROJECT,
    operations: ops('PUT /v3/system/users/{user_id}/roles/{role_id}'),
  },
  {
    name: 'identity:revoke_system_grant_for_user',
    check: ADMIN,
    scopeTypes: SYSTEM_AND_PROJECT,
    operations: ops('DELETE /v3/system/users/{user_id}/roles/{role_id}'),
  },
  {
    name: 'identity:list_system_grants_for_group',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: SYSTEM_AND_PROJECT,
    operations: ops('HEAD GET /v3/system/groups/{group_id}/roles'),
  },
  {
    name: 'identity:check_system_grant_for_group',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: SYSTEM_AND_PROJECT,
    operations: ops('HEAD GET /v3/system/groups/{group_id}/roles/{role_id}'),
  },
  {
    name: 'identity:create_system_grant_for_group',
    check: ADMIN,
    scopeTypes: SYSTEM_AND_PROJECT,
    operations: ops('PUT /v3/system/groups/{group_id}/roles/{role_id}'),
  },
  {
    name: 'identity:revoke_system_grant_for_group',
    check: ADMIN,
    scopeTypes: SYSTEM_AND_PROJECT,
    operations: ops('DELETE /v3/system/groups/{group_id}/roles/{role_id}'),
  },
];
