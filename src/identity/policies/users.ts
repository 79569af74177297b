/**
 * Users. A domain manager administers the users of the domain its token is scoped to (`token.domain.id`).
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, ops, orDeprecated, SYSTEM_READER } from './rule-parts.ts';

export const usersRules: readonly PolicyRule[] = [
  {
    name: 'identity:get_user',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or (role:reader and token.domain.id:%(target.user.domain_id)s) or user_id:%(target.user.id)s`,
      'rule:admin_or_owner',
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/users/{user_id}'),
  },
  {
    name: 'identity:list_users',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or (role:reader and domain_id:%(target.domain_id)s)`,
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/users'),
  },
  { name: 'identity:list_projects_for_user', check: '', operations: ops('GET /v3/auth/projects') },
  { name: 'identity:list_domains_for_user', check: '', operations: ops('GET /v3/auth/domains') },
  {
    name: 'identity:create_user',
    check: orDeprecated('rule:admin_required or (role:manager and token.domain.id:%(target.user.domain_id)s)', ADMIN),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('POST /v3/users'),
  },
  {
    name: 'identity:update_user',
    check: orDeprecated('rule:admin_required or (role:manager and token.domain.id:%(target.user.domain_id)s)', ADMIN),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('PATCH /v3/users/{user_id}'),
  },
  {
    name: 'identity:delete_user',
    check: orDeprecated('rule:admin_required or (role:manager and token.domain.id:%(target.user.domain_id)s)', ADMIN),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('DELETE /v3/users/{user_id}'),
  },
];
