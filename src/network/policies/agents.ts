import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN_ONLY, rule } from './base.ts';

/** neutron/conf/policies/agent.py, Zed: everything about agents is admin-only. */
export const agentPolicies: readonly PolicyRule[] = [
  ...['create_agent', 'get_agent', 'update_agent', 'delete_agent'].map((name) => rule(name, ADMIN_ONLY)),
  ...['create_dhcp-network', 'get_dhcp-networks', 'delete_dhcp-network', 'get_dhcp-agents'].map((name) =>
    rule(name, ADMIN_ONLY),
  ),
  ...['create_l3-router', 'get_l3-routers', 'update_l3-router', 'delete_l3-router', 'get_l3-agents'].map((name) =>
    rule(name, ADMIN_ONLY),
  ),
];
