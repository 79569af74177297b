import { projectRule } from '../../core/policy/deprecated-rule.ts';
import type { PolicyRule } from '../../core/policy/enforcer.ts';

/**
 * Nova's base rules (nova/policies/base.py) as Zed runs them with `enforce_new_defaults = false` and
 * `enforce_scope = false`: a rule accepts its new default or the deprecated one, so each rule is
 * `(current) or (deprecated)`. Targets carry `project_id` (and `user_id` for key pairs).
 */
export const ADMIN = 'rule:context_is_admin';
export const PROJECT_MEMBER_OR_ADMIN = 'rule:project_member_or_admin';
export const PROJECT_READER_OR_ADMIN = 'rule:project_reader_or_admin';
export const ADMIN_OR_OWNER = 'rule:admin_or_owner';
export const ADMIN_API = 'rule:admin_api';
/** Anyone with a token (Nova's `@`). */
export const ANY = '';

/** One Nova rule: `rule('os_compute_api:servers:show', PROJECT_READER_OR_ADMIN, ADMIN_OR_OWNER)`. */
export const rule = projectRule;

/** The usual pairs: member-or-admin (deprecated: admin-or-owner) and reader-or-admin (the same). */
export const memberRule = (name: string) => rule(name, PROJECT_MEMBER_OR_ADMIN, ADMIN_OR_OWNER);
export const readerRule = (name: string) => rule(name, PROJECT_READER_OR_ADMIN, ADMIN_OR_OWNER);
export const adminRule = (name: string) => rule(name, ADMIN, ADMIN_API);

export const basePolicies: readonly PolicyRule[] = [
  { name: 'context_is_admin', check: 'role:admin' },
  { name: 'admin_or_owner', check: 'role:admin or project_id:%(project_id)s' },
  { name: 'admin_api', check: 'role:admin' },
  { name: 'project_member_api', check: 'role:member and project_id:%(project_id)s' },
  { name: 'project_reader_api', check: 'role:reader and project_id:%(project_id)s' },
  { name: 'project_member_or_admin', check: 'rule:project_member_api or rule:context_is_admin' },
  { name: 'project_reader_or_admin', check: 'rule:project_reader_api or rule:context_is_admin' },
  // The extension list is open to anyone with a token, as in Nova.
  { name: 'os_compute_api:extensions', check: ANY, scopeTypes: ['project'] },
];
