/**
 * Global roles, domain-specific roles, implied roles and role-assignment listings.
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, ADMIN_OR_SYSTEM_READER, ops, orDeprecated, SYSTEM_READER } from './rule-parts.ts';

export const rolesRules: readonly PolicyRule[] = [
  {
    name: 'identity:get_role',
    check: orDeprecated(
      `(rule:admin_required or (${SYSTEM_READER})) or (role:manager and rule:domain_managed_target_role)`,
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/roles/{role_id}'),
  },
  {
    name: 'identity:list_roles',
    check: orDeprecated(`(rule:admin_required or (${SYSTEM_READER})) or (role:manager and not domain_id:None)`, ADMIN),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/roles'),
  },
  { name: 'identity:create_role', check: ADMIN, scopeTypes: ['system', 'project'], operations: ops('POST /v3/roles') },
  {
    name: 'identity:update_role',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PATCH /v3/roles/{role_id}'),
  },
  {
    name: 'identity:delete_role',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/roles/{role_id}'),
  },
  {
    name: 'identity:get_domain_role',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/roles/{role_id}'),
  },
  {
    name: 'identity:list_domain_roles',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/roles?domain_id={domain_id}'),
  },
  {
    name: 'identity:create_domain_role',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('POST /v3/roles'),
  },
  {
    name: 'identity:update_domain_role',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PATCH /v3/roles/{role_id}'),
  },
  {
    name: 'identity:delete_domain_role',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/roles/{role_id}'),
  },
  {
    name: 'identity:get_implied_role',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/roles/{prior_role_id}/implies/{implied_role_id}'),
  },
  {
    name: 'identity:list_implied_roles',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/roles/{prior_role_id}/implies'),
  },
  {
    name: 'identity:create_implied_role',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PUT /v3/roles/{prior_role_id}/implies/{implied_role_id}'),
  },
  {
    name: 'identity:delete_implied_role',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/roles/{prior_role_id}/implies/{implied_role_id}'),
  },
  {
    name: 'identity:list_role_inference_rules',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/role_inferences'),
  },
  {
    name: 'identity:check_implied_role',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('HEAD /v3/roles/{prior_role_id}/implies/{implied_role_id}'),
  },
  {
    name: 'identity:list_role_assignments',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or (role:reader and domain_id:%(target.domain_id)s)`,
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/role_assignments'),
  },
  {
    name: 'identity:list_role_assignments_for_tree',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or (role:reader and domain_id:%(target.domain_id)s)`,
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/role_assignments?include_subtree'),
  },
];
