import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { adminRule, readerRule } from './base.ts';

/** nova/policies/{flavor_manage,flavor_extra_specs,flavor_access}.py (listing and showing flavors has no rule). */
export const flavorPolicies: readonly PolicyRule[] = [
  adminRule('os_compute_api:os-flavor-manage:create'),
  adminRule('os_compute_api:os-flavor-manage:update'),
  adminRule('os_compute_api:os-flavor-manage:delete'),
  readerRule('os_compute_api:os-flavor-extra-specs:index'),
  readerRule('os_compute_api:os-flavor-extra-specs:show'),
  adminRule('os_compute_api:os-flavor-extra-specs:create'),
  adminRule('os_compute_api:os-flavor-extra-specs:update'),
  adminRule('os_compute_api:os-flavor-extra-specs:delete'),
  adminRule('os_compute_api:os-flavor-access'),
  adminRule('os_compute_api:os-flavor-access:add_tenant_access'),
  adminRule('os_compute_api:os-flavor-access:remove_tenant_access'),
];
