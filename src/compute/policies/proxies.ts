import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { memberRule, readerRule } from './base.ts';

/**
 * Nova's rules for the Networking proxies of microversions ≤ 2.35 (nova/policies/security_groups.py,
 * floating_ips.py, floating_ip_pools.py, tenant_networks.py, networks.py). The compute image proxy has no
 * rules of its own: Glance decides with the caller's token.
 */
const SG = 'os_compute_api:os-security-groups';
const FIP = 'os_compute_api:os-floating-ips';

export const proxyPolicies: readonly PolicyRule[] = [
  readerRule(`${SG}:get`),
  readerRule(`${SG}:show`),
  memberRule(`${SG}:create`),
  memberRule(`${SG}:update`),
  memberRule(`${SG}:delete`),
  memberRule(`${SG}:rule:create`),
  memberRule(`${SG}:rule:delete`),
  readerRule(`${SG}:list`),
  memberRule(`${SG}:add`),
  memberRule(`${SG}:remove`),
  readerRule(`${FIP}:list`),
  readerRule(`${FIP}:show`),
  memberRule(`${FIP}:create`),
  memberRule(`${FIP}:delete`),
  memberRule(`${FIP}:add`),
  memberRule(`${FIP}:remove`),
  { name: 'os_compute_api:os-floating-ip-pools:list', check: '', scopeTypes: ['project'] },
  readerRule('os_compute_api:os-tenant-networks:list'),
  readerRule('os_compute_api:os-tenant-networks:show'),
  readerRule('os_compute_api:os-networks:list'),
  readerRule('os_compute_api:os-networks:show'),
];
