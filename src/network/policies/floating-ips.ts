import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN_ONLY, ADMIN_OR_OWNER, PROJECT_MEMBER, PROJECT_READER, REGULAR_USER, rule } from './base.ts';

// Port forwardings belong to their floating IP: the target's `ext_parent:tenant_id` is its owner.
const PARENT_OWNER = 'rule:context_is_admin or tenant_id:%(ext_parent:tenant_id)s';
const PARENT_MEMBER = `(${ADMIN_ONLY}) or (role:member and project_id:%(ext_parent:tenant_id)s)`;
const PARENT_READER = `(${ADMIN_ONLY}) or (role:reader and project_id:%(ext_parent:tenant_id)s)`;

/** neutron/conf/policies/floatingip.py and floatingip_port_forwarding.py, Zed. */
export const floatingIpPolicies: readonly PolicyRule[] = [
  rule('create_floatingip', PROJECT_MEMBER, REGULAR_USER),
  rule('create_floatingip:floating_ip_address', ADMIN_ONLY),
  rule('get_floatingip', PROJECT_READER, ADMIN_OR_OWNER),
  rule('update_floatingip', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('delete_floatingip', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('create_floatingip_port_forwarding', PARENT_MEMBER, PARENT_OWNER),
  rule('get_floatingip_port_forwarding', PARENT_READER, PARENT_OWNER),
  rule('update_floatingip_port_forwarding', PARENT_MEMBER, PARENT_OWNER),
  rule('delete_floatingip_port_forwarding', PARENT_MEMBER, PARENT_OWNER),
];
