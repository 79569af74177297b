import type { PolicyRule } from '../core/policy/enforcer.ts';
import { basePolicies } from './policies/base.ts';
import { networkPolicies } from './policies/networks.ts';

/** Neutron's default policies (neutron/conf/policies), one file per resource family under policies/. */
export const networkServicePolicies: readonly PolicyRule[] = [...basePolicies, ...networkPolicies];
