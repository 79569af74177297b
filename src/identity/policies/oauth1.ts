/**
 * OS-OAUTH1 consumers and access tokens.
 */
import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, ADMIN_OR_SYSTEM_READER, ops, orDeprecated } from './rule-parts.ts';

export const oauth1Rules: readonly PolicyRule[] = [
  {
    name: 'identity:get_consumer',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/OS-OAUTH1/consumers/{consumer_id}'),
  },
  {
    name: 'identity:list_consumers',
    check: orDeprecated(ADMIN_OR_SYSTEM_READER, ADMIN),
    scopeTypes: ['system', 'project'],
    operations: ops('GET /v3/OS-OAUTH1/consumers'),
  },
  {
    name: 'identity:create_consumer',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('POST /v3/OS-OAUTH1/consumers'),
  },
  {
    name: 'identity:update_consumer',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('PATCH /v3/OS-OAUTH1/consumers/{consumer_id}'),
  },
  {
    name: 'identity:delete_consumer',
    check: ADMIN,
    scopeTypes: ['system', 'project'],
    operations: ops('DELETE /v3/OS-OAUTH1/consumers/{consumer_id}'),
  },
  {
    name: 'identity:authorize_request_token',
    check: ADMIN,
    scopeTypes: ['project'],
    operations: ops('PUT /v3/OS-OAUTH1/authorize/{request_token_id}'),
  },
  {
    name: 'identity:get_access_token',
    check: ADMIN,
    scopeTypes: ['project'],
    operations: ops('GET /v3/users/{user_id}/OS-OAUTH1/access_tokens/{access_token_id}'),
  },
  {
    name: 'identity:get_access_token_role',
    check: ADMIN,
    scopeTypes: ['project'],
    operations: ops('GET /v3/users/{user_id}/OS-OAUTH1/access_tokens/{access_token_id}/roles/{role_id}'),
  },
  {
    name: 'identity:list_access_tokens',
    check: ADMIN,
    scopeTypes: ['project'],
    operations: ops('GET /v3/users/{user_id}/OS-OAUTH1/access_tokens'),
  },
  {
    name: 'identity:list_access_token_roles',
    check: ADMIN,
    scopeTypes: ['project'],
    operations: ops('GET /v3/users/{user_id}/OS-OAUTH1/access_tokens/{access_token_id}/roles'),
  },
  {
    name: 'identity:delete_access_token',
    check: ADMIN,
    scopeTypes: ['project'],
    operations: ops('DELETE /v3/users/{user_id}/OS-OAUTH1/access_tokens/{access_token_id}'),
  },
];
