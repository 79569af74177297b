/**
 * OS-FEDERATION identity providers, mappings, protocols and service providers: administrators only.
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, ADMIN_OR_SYSTEM_READER, ops, orDeprecated } from './rule-parts.ts';

export const federationRules: readonly PolicyRule[] = [
  {
    name: 'identity:create_identity_provider',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PUT /v3/OS-FEDERATION/identity_providers/{idp_id}'),
  },
  {
    name: 'identity:list_identity_providers',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/OS-FEDERATION/identity_providers'),
  },
  {
    name: 'identity:get_identity_provider',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/OS-FEDERATION/identity_providers/{idp_id}'),
  },
  {
    name: 'identity:update_identity_provider',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PATCH /v3/OS-FEDERATION/identity_providers/{idp_id}'),
  },
  {
    name: 'identity:delete_identity_provider',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/OS-FEDERATION/identity_providers/{idp_id}'),
  },
  {
    name: 'identity:create_mapping',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PUT /v3/OS-FEDERATION/mappings/{mapping_id}'),
  },
  {
    name: 'identity:get_mapping',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/OS-FEDERATION/mappings/{mapping_id}'),
  },
  {
    name: 'identity:list_mappings',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/OS-FEDERATION/mappings'),
  },
  {
    name: 'identity:delete_mapping',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/OS-FEDERATION/mappings/{mapping_id}'),
  },
  {
    name: 'identity:update_mapping',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PATCH /v3/OS-FEDERATION/mappings/{mapping_id}'),
  },
  {
    name: 'identity:create_protocol',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PUT /v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}'),
  },
  {
    name: 'identity:update_protocol',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PATCH /v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}'),
  },
  {
    name: 'identity:get_protocol',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}'),
  },
  {
    name: 'identity:list_protocols',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/OS-FEDERATION/identity_providers/{idp_id}/protocols'),
  },
  {
    name: 'identity:delete_protocol',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/OS-FEDERATION/identity_providers/{idp_id}/protocols/{protocol_id}'),
  },
  {
    name: 'identity:create_service_provider',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PUT /v3/OS-FEDERATION/service_providers/{service_provider_id}'),
  },
  {
    name: 'identity:list_service_providers',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/OS-FEDERATION/service_providers'),
  },
  {
    name: 'identity:get_service_provider',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/OS-FEDERATION/service_providers/{service_provider_id}'),
  },
  {
    name: 'identity:update_service_provider',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PATCH /v3/OS-FEDERATION/service_providers/{service_provider_id}'),
  },
  {
    name: 'identity:delete_service_provider',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/OS-FEDERATION/service_providers/{service_provider_id}'),
  },
];
