/**
 * The policy blob store (`/v3/policies`) and its OS-ENDPOINT-POLICY associations with endpoints, services and regions.
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, ADMIN_OR_SYSTEM_READER, ops, orDeprecated } from './rule-parts.ts';

export const endpointPoliciesRules: readonly PolicyRule[] = [
  {
    name: 'identity:get_policy',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/policies/{policy_id}'),
  },
  {
    name: 'identity:list_policies',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/policies'),
  },
  {
    name: 'identity:create_policy',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('POST /v3/policies'),
  },
  {
    name: 'identity:update_policy',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PATCH /v3/policies/{policy_id}'),
  },
  {
    name: 'identity:delete_policy',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/policies/{policy_id}'),
  },
  {
    name: 'identity:create_policy_association_for_endpoint',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PUT /v3/policies/{policy_id}/OS-ENDPOINT-POLICY/endpoints/{endpoint_id}'),
  },
  {
    name: 'identity:check_policy_association_for_endpoint',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/policies/{policy_id}/OS-ENDPOINT-POLICY/endpoints/{endpoint_id}'),
  },
  {
    name: 'identity:delete_policy_association_for_endpoint',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/policies/{policy_id}/OS-ENDPOINT-POLICY/endpoints/{endpoint_id}'),
  },
  {
    name: 'identity:create_policy_association_for_service',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PUT /v3/policies/{policy_id}/OS-ENDPOINT-POLICY/services/{service_id}'),
  },
  {
    name: 'identity:check_policy_association_for_service',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/policies/{policy_id}/OS-ENDPOINT-POLICY/services/{service_id}'),
  },
  {
    name: 'identity:delete_policy_association_for_service',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/policies/{policy_id}/OS-ENDPOINT-POLICY/services/{service_id}'),
  },
  {
    name: 'identity:create_policy_association_for_region_and_service',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PUT /v3/policies/{policy_id}/OS-ENDPOINT-POLICY/services/{service_id}/regions/{region_id}'),
  },
  {
    name: 'identity:check_policy_association_for_region_and_service',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/policies/{policy_id}/OS-ENDPOINT-POLICY/services/{service_id}/regions/{region_id}'),
  },
  {
    name: 'identity:delete_policy_association_for_region_and_service',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/policies/{policy_id}/OS-ENDPOINT-POLICY/services/{service_id}/regions/{region_id}'),
  },
  {
    name: 'identity:get_policy_for_endpoint',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/endpoints/{endpoint_id}/OS-ENDPOINT-POLICY/policy'),
  },
  {
    name: 'identity:list_endpoints_for_policy',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/policies/{policy_id}/OS-ENDPOINT-POLICY/endpoints'),
  },
];
