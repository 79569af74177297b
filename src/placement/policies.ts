import type { PolicyRule } from '../core/policy/enforcer.ts';

/**
 * Placement's default rules (placement/policies): every operation is for operators and services only. Zed's
 * `admin_api` plus the `service` role that later releases added, so the compute service user (roles admin and
 * service) and any admin may call everything, and nobody else.
 */
const ADMIN_OR_SERVICE = 'rule:admin_or_service_api';

const RULES = [
  'resource_providers:list',
  'resource_providers:create',
  'resource_providers:show',
  'resource_providers:update',
  'resource_providers:delete',
  'resource_providers:inventories:list',
  'resource_providers:inventories:create',
  'resource_providers:inventories:show',
  'resource_providers:inventories:update',
  'resource_providers:inventories:delete',
  'resource_providers:aggregates:list',
  'resource_providers:aggregates:update',
  'resource_providers:usages',
  'resource_providers:allocations:list',
  'resource_providers:traits:list',
  'resource_providers:traits:update',
  'resource_providers:traits:delete',
  'resource_classes:list',
  'resource_classes:create',
  'resource_classes:show',
  'resource_classes:update',
  'resource_classes:delete',
  'traits:list',
  'traits:show',
  'traits:update',
  'traits:delete',
  'allocations:list',
  'allocations:manage',
  'allocations:update',
  'allocations:delete',
  'usages',
  'allocation_candidates:list',
  'reshaper:reshape',
];

export const placementPolicies: readonly PolicyRule[] = [
  { name: 'admin_api', check: 'role:admin' },
  { name: 'service_api', check: 'role:service' },
  { name: 'admin_or_service_api', check: 'rule:admin_api or rule:service_api' },
  ...RULES.map((r) => ({ name: `placement:${r}`, check: ADMIN_OR_SERVICE, scopeTypes: ['project' as const] })),
];
