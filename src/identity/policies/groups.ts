/**
 * Groups and group membership. Domain readers and managers act within their own domain (creds `domain_id`).
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, ops, orDeprecated, SYSTEM_READER } from './rule-parts.ts';

export const groupsRules: readonly PolicyRule[] = [
  {
    name: 'identity:get_group',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or (role:reader and domain_id:%(target.group.domain_id)s)`,
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/groups/{group_id}'),
  },
  {
    name: 'identity:list_groups',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or (role:reader and domain_id:%(target.group.domain_id)s)`,
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/groups'),
  },
  {
    name: 'identity:list_groups_for_user',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or (role:reader and domain_id:%(target.user.domain_id)s) or user_id:%(user_id)s`,
      'rule:admin_or_owner',
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/users/{user_id}/groups'),
  },
  {
    name: 'identity:create_group',
    check: orDeprecated('rule:admin_required or (role:manager and domain_id:%(target.group.domain_id)s)', ADMIN),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('POST /v3/groups'),
  },
  {
    name: 'identity:update_group',
    check: orDeprecated('rule:admin_required or (role:manager and domain_id:%(target.group.domain_id)s)', ADMIN),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('PATCH /v3/groups/{group_id}'),
  },
  {
    name: 'identity:delete_group',
    check: orDeprecated('rule:admin_required or (role:manager and domain_id:%(target.group.domain_id)s)', ADMIN),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('DELETE /v3/groups/{group_id}'),
  },
  {
    name: 'identity:list_users_in_group',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or (role:reader and domain_id:%(target.group.domain_id)s)`,
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/groups/{group_id}/users'),
  },
  {
    name: 'identity:remove_user_from_group',
    check: orDeprecated(
      'rule:admin_required or (role:manager and domain_id:%(target.group.domain_id)s and domain_id:%(target.user.domain_id)s)',
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('DELETE /v3/groups/{group_id}/users/{user_id}'),
  },
  {
    name: 'identity:check_user_in_group',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or (role:reader and domain_id:%(target.group.domain_id)s and domain_id:%(target.user.domain_id)s)`,
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('HEAD GET /v3/groups/{group_id}/users/{user_id}'),
  },
  {
    name: 'identity:add_user_to_group',
    check: orDeprecated(
      'rule:admin_required or (role:manager and domain_id:%(target.group.domain_id)s and domain_id:%(target.user.domain_id)s)',
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('PUT /v3/groups/{group_id}/users/{user_id}'),
  },
];
