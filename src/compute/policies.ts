import type { PolicyRule } from '../core/policy/enforcer.ts';
import { adminPolicies } from './policies/admin.ts';
import { basePolicies } from './policies/base.ts';
import { flavorPolicies } from './policies/flavors.ts';
import { interfacePolicies } from './policies/interfaces.ts';
import { keypairPolicies } from './policies/keypairs.ts';
import { proxyPolicies } from './policies/proxies.ts';
import { quotaPolicies } from './policies/quotas.ts';
import { serverGroupPolicies } from './policies/server-groups.ts';
import { serverPolicies } from './policies/servers.ts';

/**
 * Nova's default policies (nova/policies), one file per resource family under policies/. Each family adds its
 * list below.
 */
export const computeServicePolicies: readonly PolicyRule[] = [
  ...basePolicies,
  // servers (B)
  ...serverPolicies,
  // cross-service proxies, interfaces (E)
  ...proxyPolicies,
  ...interfacePolicies,
  // flavors, keypairs, admin resources (F)
  ...adminPolicies,
  ...serverGroupPolicies,
  ...quotaPolicies,
  ...keypairPolicies,
  ...flavorPolicies,
];
