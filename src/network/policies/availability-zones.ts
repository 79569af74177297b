import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { REGULAR_USER, rule } from './base.ts';

/** neutron/conf/policies/availability_zone.py, Zed: any reader (formerly anyone). */
export const availabilityZonePolicies: readonly PolicyRule[] = [
  rule('get_availability_zone', 'role:reader', REGULAR_USER),
];
