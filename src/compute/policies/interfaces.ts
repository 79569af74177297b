import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, memberRule, readerRule, rule } from './base.ts';

/**
 * Nova's rules for a server's interfaces (nova/policies/attach_interfaces.py), the external events Neutron
 * sends (server_external_events.py: admin only) and os-virtual-interfaces (virtual_interfaces.py).
 */
const AI = 'os_compute_api:os-attach-interfaces';

export const interfacePolicies: readonly PolicyRule[] = [
  readerRule(`${AI}:list`),
  readerRule(`${AI}:show`),
  memberRule(`${AI}:create`),
  memberRule(`${AI}:delete`),
  rule('os_compute_api:os-server-external-events:create', ADMIN, 'rule:admin_api'),
  readerRule('os_compute_api:os-virtual-interfaces:list'),
];
