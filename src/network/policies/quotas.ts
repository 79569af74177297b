import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN_ONLY, rule } from './base.ts';

/** neutron/conf/policies/quotas.py, Zed: reading another project's quotas and every change are admin-only. */
export const quotaPolicies: readonly PolicyRule[] = [
  rule('get_quota', ADMIN_ONLY),
  rule('update_quota', ADMIN_ONLY),
  rule('delete_quota', ADMIN_ONLY),
];
