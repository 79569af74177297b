/**
 * Token validation and revocation (`/v3/auth/tokens`, the subject token's user is `target.token.user_id`), the
 * auth-scoped listings (`/v3/auth/*`), revocation events, and the S3/EC2 signature validation used by object storage.
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ops, orDeprecated, SYSTEM_READER } from './rule-parts.ts';

export const tokensRules: readonly PolicyRule[] = [
  { name: 'identity:get_auth_catalog', check: '', operations: ops('GET HEAD /v3/auth/catalog') },
  { name: 'identity:get_auth_projects', check: '', operations: ops('GET HEAD /v3/auth/projects') },
  { name: 'identity:get_auth_domains', check: '', operations: ops('GET HEAD /v3/auth/domains') },
  { name: 'identity:get_auth_system', check: '', operations: ops('GET HEAD /v3/auth/system') },
  {
    name: 'identity:check_token',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or rule:token_subject`,
      'rule:admin_or_token_subject',
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('HEAD /v3/auth/tokens'),
  },
  {
    name: 'identity:validate_token',
    check: orDeprecated(
      `rule:admin_required or (${SYSTEM_READER}) or rule:service_role or rule:token_subject`,
      'rule:service_admin_or_token_subject',
    ),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('GET /v3/auth/tokens'),
  },
  {
    name: 'identity:revoke_token',
    check: orDeprecated('rule:admin_required or rule:token_subject', 'rule:admin_or_token_subject'),
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('DELETE /v3/auth/tokens'),
  },
  {
    name: 'identity:list_revoke_events',
    check: 'rule:service_or_admin',
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/OS-REVOKE/events'),
  },
  {
    name: 'identity:revocation_list',
    check: 'rule:service_or_admin',
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/auth/tokens/OS-PKI/revoked'),
  },
  {
    name: 'identity:s3tokens_validate',
    check: 'rule:service_or_admin',
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('POST /v3/s3tokens'),
  },
  {
    name: 'identity:ec2tokens_validate',
    check: 'rule:service_or_admin',
    scopeTypes: ['system', 'domain', 'project'],
    operations: ops('POST /v3/ec2tokens'),
  },
];
