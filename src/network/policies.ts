import type { PolicyRule } from '../core/policy/enforcer.ts';
import { agentPolicies } from './policies/agents.ts';
import { availabilityZonePolicies } from './policies/availability-zones.ts';
import { basePolicies } from './policies/base.ts';
import { floatingIpPolicies } from './policies/floating-ips.ts';
import { networkIpAvailabilityPolicies } from './policies/network-ip-availability.ts';
import { networkPolicies } from './policies/networks.ts';
import { portPolicies } from './policies/ports.ts';
import { quotaPolicies } from './policies/quotas.ts';
import { rbacPolicies } from './policies/rbac.ts';
import { routerPolicies } from './policies/routers.ts';
import { securityGroupPolicies } from './policies/security-groups.ts';
import { subnetPolicies } from './policies/subnets.ts';
import { tagPolicies } from './policies/tags.ts';

/** Neutron's default policies (neutron/conf/policies), one file per resource family under policies/. */
export const networkServicePolicies: readonly PolicyRule[] = [
  ...basePolicies,
  ...networkPolicies,
  ...quotaPolicies,
  ...rbacPolicies,
  ...tagPolicies,
  ...networkIpAvailabilityPolicies,
  ...subnetPolicies,
  ...portPolicies,
  ...routerPolicies,
  ...floatingIpPolicies,
  ...securityGroupPolicies,
  ...agentPolicies,
  ...availabilityZonePolicies,
];
