/**
 * Unified limits and registered limits. Reads are open (services enforce quotas with them); writes are admin only.
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, ops, SYSTEM_READER } from './rule-parts.ts';

export const limitsRules: readonly PolicyRule[] = [
  {
    name: 'identity:get_limit_model',
    check: '',
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/limits/model'),
  },
  {
    name: 'identity:get_limit',
    check: `rule:admin_required or (${SYSTEM_READER}) or (domain_id:%(target.limit.domain.id)s or domain_id:%(target.limit.project.domain_id)s) or (project_id:%(target.limit.project_id)s and not None:%(target.limit.project_id)s)`,
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/limits/{limit_id}'),
  },
  {
    name: 'identity:list_limits',
    check: '',
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/limits'),
  },
  {
    name: 'identity:create_limits',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('POST /v3/limits'),
  },
  {
    name: 'identity:update_limit',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PATCH /v3/limits/{limit_id}'),
  },
  {
    name: 'identity:delete_limit',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/limits/{limit_id}'),
  },
  {
    name: 'identity:get_registered_limit',
    check: '',
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/registered_limits/{registered_limit_id}'),
  },
  {
    name: 'identity:list_registered_limits',
    check: '',
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/registered_limits'),
  },
  {
    name: 'identity:create_registered_limits',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('POST /v3/registered_limits'),
  },
  {
    name: 'identity:update_registered_limit',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PATCH /v3/registered_limits/{registered_limit_id}'),
  },
  {
    name: 'identity:delete_registered_limit',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/registered_limits/{registered_limit_id}'),
  },
];
