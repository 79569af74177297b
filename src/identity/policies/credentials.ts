/**
 * The credential store (`/v3/credentials`) and the EC2-style credentials under `/v3/users/{user_id}/credentials/OS-EC2`.
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, ops, orDeprecated, SYSTEM_READER } from './rule-parts.ts';

export const credentialsRules: readonly PolicyRule[] = [
  {
    name: 'identity:get_credential',
    check: orDeprecated(`rule:admin_required or (${SYSTEM_READER}) or user_id:%(target.credential.user_id)s`, ADMIN),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET /v3/credentials/{credential_id}'),
  },
  {
    name: 'identity:list_credentials',
    check: orDeprecated(`rule:admin_required or (${SYSTEM_READER}) or user_id:%(target.credential.user_id)s`, ADMIN),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET /v3/credentials'),
  },
  {
    name: 'identity:create_credential',
    check: orDeprecated('rule:admin_required or user_id:%(target.credential.user_id)s', ADMIN),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('POST /v3/credentials'),
  },
  {
    name: 'identity:update_credential',
    check: orDeprecated('rule:admin_required or user_id:%(target.credential.user_id)s', ADMIN),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('PATCH /v3/credentials/{credential_id}'),
  },
  {
    name: 'identity:delete_credential',
    check: orDeprecated('rule:admin_required or user_id:%(target.credential.user_id)s', ADMIN),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('DELETE /v3/credentials/{credential_id}'),
  },
  {
    name: 'identity:ec2_get_credential',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or user_id:%(target.credential.user_id)s`,
      'rule:admin_required or (rule:owner and user_id:%(target.credential.user_id)s)',
    ),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/users/{user_id}/credentials/OS-EC2/{credential_id}'),
  },
  {
    name: 'identity:ec2_list_credentials',
    check: orDeprecated(`rule:admin_required or (${SYSTEM_READER}) or rule:owner`, 'rule:admin_or_owner'),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/users/{user_id}/credentials/OS-EC2'),
  },
  {
    name: 'identity:ec2_create_credential',
    check: orDeprecated(
      'rule:admin_required or (role:member and user_id:%(target.credential.user_id)s)',
      'rule:admin_or_owner',
    ),
    scopeTypes: ['system', 'project'],
    operations: ops('POST /v3/users/{user_id}/credentials/OS-EC2'),
  },
  {
    name: 'identity:ec2_delete_credential',
    check: orDeprecated(
      'rule:admin_required or (role:member and user_id:%(target.credential.user_id)s)',
      'rule:admin_required or (rule:owner and user_id:%(target.credential.user_id)s)',
    ),
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/users/{user_id}/credentials/OS-EC2/{credential_id}'),
  },
];
