import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN_ONLY, rule } from './base.ts';

/** neutron/conf/policies/network_ip_availability.py, Zed. */
export const networkIpAvailabilityPolicies: readonly PolicyRule[] = [rule('get_network_ip_availability', ADMIN_ONLY)];
