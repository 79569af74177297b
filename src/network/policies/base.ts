import { projectRule } from '../../core/policy/deprecated-rule.ts';
import type { PolicyRule } from '../../core/policy/enforcer.ts';

/**
 * Neutron's base rules and the helpers the per-resource rule files share. Neutron in Zed runs with
 * `enforce_new_defaults = false` and `enforce_scope = false`: a rule that replaced an older default accepts
 * either, so each rule here is `(current) or (deprecated)`.
 *
 * TARGET: the resource's attributes by name (`tenant_id` and `project_id` both the owner, booleans as Python
 * shows them, 'True'/'False'), plus `network:tenant_id` (the owner of the network a subnet or port is on) and
 * `network:shared`/`network:router:external` where rules consult them.
 */
export const ADMIN_ONLY = 'rule:admin_only';
export const PROJECT_MEMBER = `(${ADMIN_ONLY}) or (role:member and project_id:%(project_id)s)`;
export const PROJECT_READER = `(${ADMIN_ONLY}) or (role:reader and project_id:%(project_id)s)`;
export const ADMIN_OR_OWNER = 'rule:admin_or_owner';
export const REGULAR_USER = 'rule:regular_user';

export const rule = projectRule;

export const basePolicies: readonly PolicyRule[] = [
  { name: 'context_is_admin', check: 'role:admin' },
  { name: 'owner', check: 'tenant_id:%(tenant_id)s' },
  { name: 'admin_or_owner', check: 'rule:context_is_admin or rule:owner' },
  { name: 'context_is_advsvc', check: 'role:advsvc' },
  { name: 'admin_or_network_owner', check: 'rule:context_is_admin or tenant_id:%(network:tenant_id)s' },
  { name: 'admin_owner_or_network_owner', check: 'rule:owner or rule:admin_or_network_owner' },
  { name: 'network_owner', check: 'tenant_id:%(network:tenant_id)s' },
  { name: 'admin_only', check: 'rule:context_is_admin' },
  { name: 'regular_user', check: '' },
  { name: 'admin_or_data_plane_int', check: 'rule:context_is_admin or role:data_plane_integrator' },
  // Neutron writes these as `field:networks:shared=True`; on our targets the same test is a literal match.
  { name: 'shared', check: "'True':%(shared)s" },
  { name: 'external', check: "'True':%(router:external)s" },
  { name: 'shared_subnetpools', check: "'True':%(shared)s" },
  { name: 'shared_address_scopes', check: "'True':%(shared)s" },
  { name: 'default', check: 'rule:admin_or_owner' },
];
