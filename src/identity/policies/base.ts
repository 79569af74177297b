/**
 * Keystone's building-block rules, referenced as `rule:<name>` by the identity rules and by operators' overrides.
 * The global `admin` role passes `admin_required` on any scope: Keystone's admin is cloud-wide unless enforce_scope is on.
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';

export const baseRules: readonly PolicyRule[] = [
  { name: 'admin_required', check: 'role:admin or is_admin:1' },
  { name: 'service_role', check: 'role:service' },
  { name: 'service_or_admin', check: 'rule:admin_required or rule:service_role' },
  { name: 'owner', check: 'user_id:%(user_id)s' },
  { name: 'admin_or_owner', check: 'rule:admin_required or rule:owner' },
  { name: 'token_subject', check: 'user_id:%(target.token.user_id)s' },
  { name: 'admin_or_token_subject', check: 'rule:admin_required or rule:token_subject' },
  { name: 'service_admin_or_token_subject', check: 'rule:service_or_admin or rule:token_subject' },
  {
    name: 'domain_managed_target_role',
    check: "'manager':%(target.role.name)s or 'member':%(target.role.name)s or 'reader':%(target.role.name)s",
  },
];
