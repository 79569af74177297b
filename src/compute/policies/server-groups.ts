import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { adminRule, memberRule, readerRule } from './base.ts';

/** nova/policies/server_groups.py */
export const serverGroupPolicies: readonly PolicyRule[] = [
  memberRule('os_compute_api:os-server-groups:create'),
  memberRule('os_compute_api:os-server-groups:delete'),
  readerRule('os_compute_api:os-server-groups:index'),
  adminRule('os_compute_api:os-server-groups:index:all_projects'),
  readerRule('os_compute_api:os-server-groups:show'),
];
