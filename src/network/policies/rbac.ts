import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN_ONLY, ADMIN_OR_OWNER, PROJECT_MEMBER, PROJECT_READER, REGULAR_USER, rule } from './base.ts';

// Neutron writes `not field:rbac_policy:target_tenant=*`; on our targets the same test is a literal match.
const NOT_WILDCARD = "(not '*':%(target_tenant)s)";

/** neutron/conf/policies/rbac.py, Zed: only an admin shares with every project ('*'). */
export const rbacPolicies: readonly PolicyRule[] = [
  { name: 'restrict_wildcard', check: `${NOT_WILDCARD} or ${ADMIN_ONLY}` },
  rule('create_rbac_policy', PROJECT_MEMBER, REGULAR_USER),
  rule('create_rbac_policy:target_tenant', `${ADMIN_ONLY} or ${NOT_WILDCARD}`, 'rule:restrict_wildcard'),
  rule('update_rbac_policy', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule(
    'update_rbac_policy:target_tenant',
    `${ADMIN_ONLY} or ${NOT_WILDCARD}`,
    `rule:restrict_wildcard and ${ADMIN_OR_OWNER}`,
  ),
  rule('get_rbac_policy', PROJECT_READER, ADMIN_OR_OWNER),
  rule('delete_rbac_policy', PROJECT_MEMBER, ADMIN_OR_OWNER),
];
