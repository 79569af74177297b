import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, ADMIN_API, ANY, adminRule, readerRule, rule } from './base.ts';

/** nova/policies/{quota_sets,quota_class_sets,limits}.py */
export const quotaPolicies: readonly PolicyRule[] = [
  readerRule('os_compute_api:os-quota-sets:show'),
  readerRule('os_compute_api:os-quota-sets:detail'),
  rule('os_compute_api:os-quota-sets:defaults', ANY),
  adminRule('os_compute_api:os-quota-sets:update'),
  adminRule('os_compute_api:os-quota-sets:delete'),
  adminRule('os_compute_api:os-quota-class-sets:show'),
  adminRule('os_compute_api:os-quota-class-sets:update'),
  rule('os_compute_api:limits', ANY),
  rule('os_compute_api:limits:other_project', ADMIN, ADMIN_API),
];
