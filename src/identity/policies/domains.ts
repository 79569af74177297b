/**
 * Domains and domain-specific configuration.
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, ADMIN_OR_SYSTEM_READER, ops, orDeprecated, SYSTEM_READER } from './rule-parts.ts';

export const domainsRules: readonly PolicyRule[] = [
  {
    name: 'identity:get_domain',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or token.domain.id:%(target.domain.id)s or token.project.domain.id:%(target.domain.id)s`,
      'rule:admin_required or token.project.domain.id:%(target.domain.id)s',
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET /v3/domains/{domain_id}'),
  },
  {
    name: 'identity:list_domains',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or (role:reader and domain_id:%(target.domain.id)s)`,
      ADMIN,
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET /v3/domains'),
  },
  {
    name: 'identity:create_domain',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('POST /v3/domains'),
  },
  {
    name: 'identity:update_domain',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PATCH /v3/domains/{domain_id}'),
  },
  {
    name: 'identity:delete_domain',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/domains/{domain_id}'),
  },
  {
    name: 'identity:create_domain_config',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PUT /v3/domains/{domain_id}/config'),
  },
  {
    name: 'identity:get_domain_config',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops(
      'GET HEAD /v3/domains/{domain_id}/config',
      'GET HEAD /v3/domains/{domain_id}/config/{group}',
      'GET HEAD /v3/domains/{domain_id}/config/{group}/{option}',
    ),
  },
  {
    name: 'identity:get_security_compliance_domain_config',
    check: '',
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops(
      'GET HEAD /v3/domains/{domain_id}/config/security_compliance',
      'GET HEAD /v3/domains/{domain_id}/config/security_compliance/{option}',
    ),
  },
  {
    name: 'identity:update_domain_config',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops(
      'PATCH /v3/domains/{domain_id}/config',
      'PATCH /v3/domains/{domain_id}/config/{group}',
      'PATCH /v3/domains/{domain_id}/config/{group}/{option}',
    ),
  },
  {
    name: 'identity:delete_domain_config',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops(
      'DELETE /v3/domains/{domain_id}/config',
      'DELETE /v3/domains/{domain_id}/config/{group}',
      'DELETE /v3/domains/{domain_id}/config/{group}/{option}',
    ),
  },
  {
    name: 'identity:get_domain_config_default',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops(
      'GET HEAD /v3/domains/config/default',
      'GET HEAD /v3/domains/config/{group}/default',
      'GET HEAD /v3/domains/config/{group}/{option}/default',
    ),
  },
];
