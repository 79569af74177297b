import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN_OR_OWNER, PROJECT_MEMBER, PROJECT_READER, REGULAR_USER, rule } from './base.ts';

/**
 * neutron/conf/policies/security_group.py, Zed (plus base.py's `sg_owner`). Rule targets carry the owner of
 * the rule's group as `security_group:tenant_id` / `security_group:project_id`.
 */
export const securityGroupPolicies: readonly PolicyRule[] = [
  { name: 'sg_owner', check: 'tenant_id:%(security_group:tenant_id)s' },
  { name: 'admin_or_sg_owner', check: 'rule:context_is_admin or tenant_id:%(security_group:tenant_id)s' },
  { name: 'admin_owner_or_sg_owner', check: 'rule:owner or rule:admin_or_sg_owner' },
  // Neutron: `field:security_groups:shared=True`.
  { name: 'shared_security_group', check: "'True':%(shared)s" },
  rule('create_security_group', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('get_security_group', `${PROJECT_READER} or rule:shared_security_group`, REGULAR_USER),
  rule('update_security_group', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('delete_security_group', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('create_security_group_rule', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('get_security_group_rule', `${PROJECT_READER} or rule:sg_owner`, 'rule:admin_owner_or_sg_owner'),
  rule('delete_security_group_rule', PROJECT_MEMBER, ADMIN_OR_OWNER),
];
