/**
 * OS-TRUST delegation: trustors create and delete, trustor and trustee read.
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, ADMIN_OR_SYSTEM_READER, ops, orDeprecated, SYSTEM_READER } from './rule-parts.ts';

export const trustsRules: readonly PolicyRule[] = [
  {
    name: 'identity:create_trust',
    check: 'user_id:%(target.trust.trustor_user_id)s',
    scopeTypes: ['project'],
    operations: ops('POST /v3/OS-TRUST/trusts'),
  },
  {
    name: 'identity:list_trusts',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/OS-TRUST/trusts'),
  },
  {
    name: 'identity:list_trusts_for_trustor',
    check: `rule:admin_required or (${SYSTEM_READER} or user_id:%(target.trust.trustor_user_id)s)`,
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/OS-TRUST/trusts?trustor_user_id={trustor_user_id}'),
  },
  {
    name: 'identity:list_trusts_for_trustee',
    check: `rule:admin_required or (${SYSTEM_READER} or user_id:%(target.trust.trustee_user_id)s)`,
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/OS-TRUST/trusts?trustee_user_id={trustee_user_id}'),
  },
  {
    name: 'identity:list_roles_for_trust',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER} or user_id:%(target.trust.trustor_user_id)s or user_id:%(target.trust.trustee_user_id)s)`,
      'user_id:%(target.trust.trustor_user_id)s or user_id:%(target.trust.trustee_user_id)s',
    ),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/OS-TRUST/trusts/{trust_id}/roles'),
  },
  {
    name: 'identity:get_role_for_trust',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER} or user_id:%(target.trust.trustor_user_id)s or user_id:%(target.trust.trustee_user_id)s)`,
      'user_id:%(target.trust.trustor_user_id)s or user_id:%(target.trust.trustee_user_id)s',
    ),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/OS-TRUST/trusts/{trust_id}/roles/{role_id}'),
  },
  {
    name: 'identity:delete_trust',
    check: orDeprecated(
      'rule:admin_required or user_id:%(target.trust.trustor_user_id)s',
      'user_id:%(target.trust.trustor_user_id)s',
    ),
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/OS-TRUST/trusts/{trust_id}'),
  },
  {
    name: 'identity:get_trust',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER} or user_id:%(target.trust.trustor_user_id)s or user_id:%(target.trust.trustee_user_id)s)`,
      'user_id:%(target.trust.trustor_user_id)s or user_id:%(target.trust.trustee_user_id)s',
    ),
    scopeTypes: ['system', 'project'],
    operations: ops('GET HEAD /v3/OS-TRUST/trusts/{trust_id}'),
  },
];
