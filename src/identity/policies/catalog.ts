/**
 * Regions, services, endpoints, endpoint groups and project-endpoint associations: readable by everyone for regions,
 * by admins and system readers otherwise; changed by admins only.
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, ADMIN_OR_SYSTEM_READER, ops, orDeprecated } from './rule-parts.ts';

export const catalogRules: readonly PolicyRule[] = [
  {
    name: 'identity:get_region',
    check: '',
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/regions/{region_id}'),
  },
  {
    name: 'identity:list_regions',
    check: '',
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET HEAD /v3/regions'),
  },
  {
    name: 'identity:create_region',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('POST /v3/regions', 'PUT /v3/regions/{region_id}'),
  },
  {
    name: 'identity:update_region',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PATCH /v3/regions/{region_id}'),
  },
  {
    name: 'identity:delete_region',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/regions/{region_id}'),
  },
  {
    name: 'identity:get_service',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/services/{service_id}'),
  },
  {
    name: 'identity:list_services',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/services'),
  },
  {
    name: 'identity:create_service',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('POST /v3/services'),
  },
  {
    name: 'identity:update_service',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PATCH /v3/services/{service_id}'),
  },
  {
    name: 'identity:delete_service',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/services/{service_id}'),
  },
  {
    name: 'identity:get_endpoint',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/endpoints/{endpoint_id}'),
  },
  {
    name: 'identity:list_endpoints',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/endpoints'),
  },
  {
    name: 'identity:create_endpoint',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('POST /v3/endpoints'),
  },
  {
    name: 'identity:update_endpoint',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PATCH /v3/endpoints/{endpoint_id}'),
  },
  {
    name: 'identity:delete_endpoint',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/endpoints/{endpoint_id}'),
  },
  {
    name: 'identity:create_endpoint_group',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('POST /v3/OS-EP-FILTER/endpoint_groups'),
  },
  {
    name: 'identity:list_endpoint_groups',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/OS-EP-FILTER/endpoint_groups'),
  },
  {
    name: 'identity:get_endpoint_group',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}'),
  },
  {
    name: 'identity:update_endpoint_group',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PATCH /v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}'),
  },
  {
    name: 'identity:delete_endpoint_group',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}'),
  },
  {
    name: 'identity:list_projects_associated_with_endpoint_group',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/projects'),
  },
  {
    name: 'identity:list_endpoints_associated_with_endpoint_group',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/endpoints'),
  },
  {
    name: 'identity:get_endpoint_group_in_project',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/projects/{project_id}'),
  },
  {
    name: 'identity:list_endpoint_groups_for_project',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/OS-EP-FILTER/projects/{project_id}/endpoint_groups'),
  },
  {
    name: 'identity:add_endpoint_group_to_project',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PUT /v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/projects/{project_id}'),
  },
  {
    name: 'identity:remove_endpoint_group_from_project',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/OS-EP-FILTER/endpoint_groups/{endpoint_group_id}/projects/{project_id}'),
  },
  {
    name: 'identity:list_projects_for_endpoint',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/OS-EP-FILTER/endpoints/{endpoint_id}/projects'),
  },
  {
    name: 'identity:add_endpoint_to_project',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PUT /v3/OS-EP-FILTER/projects/{project_id}/endpoints/{endpoint_id}'),
  },
  {
    name: 'identity:check_endpoint_in_project',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/OS-EP-FILTER/projects/{project_id}/endpoints/{endpoint_id}'),
  },
  {
    name: 'identity:list_endpoints_for_project',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/OS-EP-FILTER/projects/{project_id}/endpoints'),
  },
  {
    name: 'identity:remove_endpoint_from_project',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/OS-EP-FILTER/projects/{project_id}/endpoints/{endpoint_id}'),
  },
];
