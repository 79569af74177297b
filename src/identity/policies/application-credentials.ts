/**
 * Application credentials and their access rules, both under `/v3/users/{user_id}`: owned by that user.
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ops, orDeprecated, SYSTEM_READER } from './rule-parts.ts';

export const applicationCredentialsRules: readonly PolicyRule[] = [
  {
    name: 'identity:get_application_credential',
    check: orDeprecated(`rule:admin_required or (${SYSTEM_READER}) or rule:owner`, 'rule:admin_or_owner'),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/users/{user_id}/application_credentials/{application_credential_id}'),
  },
  {
    name: 'identity:list_application_credentials',
    check: orDeprecated(`rule:admin_required or (${SYSTEM_READER}) or rule:owner`, 'rule:admin_or_owner'),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/users/{user_id}/application_credentials'),
  },
  {
    name: 'identity:create_application_credential',
    check: 'user_id:%(user_id)s',
    scopeTypes: ['project'],
    operations: ops('POST /v3/users/{user_id}/application_credentials'),
  },
  {
    name: 'identity:delete_application_credential',
    check: 'rule:admin_or_owner',
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/users/{user_id}/application_credentials/{application_credential_id}'),
  },
  {
    name: 'identity:get_access_rule',
    check: `(${SYSTEM_READER}) or user_id:%(target.user.id)s`,
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/users/{user_id}/access_rules/{access_rule_id}'),
  },
  {
    name: 'identity:list_access_rules',
    check: `(${SYSTEM_READER}) or user_id:%(target.user.id)s`,
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/users/{user_id}/access_rules'),
  },
  {
    name: 'identity:delete_access_rule',
    check: '(role:admin and system_scope:all) or user_id:%(target.user.id)s',
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/users/{user_id}/access_rules/{access_rule_id}'),
  },
];
