/**
 * Keystone's default policy rules for every identity API, as Keystone enforces them with
 * `[oslo_policy] enforce_scope = false` and `enforce_new_defaults = false` (Tempest's expectation): each rule that
 * replaced an older default accepts either (`orDeprecated` in `policies/rule-parts.ts`). Rule names are Keystone's.
 * `new Enforcer(identityPolicies, overrides)` from `src/core/policy/enforcer.ts` enforces them.
 *
 * WHAT TO PASS AS CREDS: the caller, as `policyCredentials()` in `src/core/auth/context.ts` builds it:
 *   user_id, domain_id (domain-scoped tokens, else null), project_id (project-scoped, else null),
 *   roles: role names (effective, implied roles included), system_scope: 'all' for system-scoped tokens else null,
 *   token.domain.id and token.project.domain.id (from the token body; absent when not so scoped).
 * Keep unscoped values null or absent, never '': the rules test `not domain_id:None`. `is_admin:1` in admin_required
 * reads creds.is_admin, which Keystone never sets from a token; nothing needs to send it.
 *
 * WHAT TO PASS AS TARGET: Keystone's shape. Top level: the URL's path parameters by their names (`user_id`,
 * `project_id`, `domain_id`, `group_id`, `role_id`, ...). Under `target`: the records the request is about, as stored
 * (full rows, not just ids), e.g. `{ user_id, target: { user: { id, domain_id, ... } } }`. Omit a record that does not
 * exist (the handler answers 404 after the check); never pass undefined placeholders that the rules would read.
 * Per family, what the rules actually read:
 *   users: get/update/delete_user, list_user_projects, list_groups_for_user: target.user (id, domain_id), top-level
 *     user_id. create_user: target.user = the request body. list_users: target.domain_id = the caller's domain id,
 *     only for a domain-scoped caller.
 *   projects: get/update/delete_project and the tag rules: target.project (id, domain_id). create_project:
 *     target.project = request body. list_projects: target.domain_id as for list_users.
 *   domains: get_domain: target.domain (id). list_domains: target.domain.id = the caller's domain, domain-scoped
 *     callers only. Domain config rules read nothing from the target.
 *   groups: get/update/delete_group, list_users_in_group: target.group (domain_id). create_group: target.group = body.
 *     list_groups: target.group.domain_id = the caller's domain, domain-scoped callers only.
 *     add_user_to_group, check_user_in_group, remove_user_from_group: target.group and target.user (domain_id each).
 *   grants (policies/grants.ts): target.role (domain_id, name), target.user or target.group (domain_id),
 *     target.project (domain_id) or target.domain (id). System grants read nothing from the target.
 *   roles: get_role: target.role (name). Domain roles, implied roles, role inference: nothing. list_role_assignments:
 *     target.domain_id = the caller's domain, domain-scoped callers only; list_role_assignments_for_tree:
 *     target.project and target.domain_id = that project's domain_id.
 *   tokens: check_token, validate_token, revoke_token: target.token.user_id = the user of the X-Subject-Token.
 *     The auth catalog/projects/domains/system rules always pass.
 *   credentials: get/update/delete_credential: target.credential = the stored row (for update, the row merged with the
 *     body); create_credential: the body; list_credentials: target.credential.user_id = the caller, unless
 *     system-scoped. ec2_*: target.credential.user_id = the path's user_id (ec2_create) or the stored row, and
 *     top-level user_id.
 *   application credentials: get/delete: top-level user_id = the application credential's owner as stored (not the
 *     path's user_id: that closes a hole where a caller names itself in the path). list/create: top-level user_id from
 *     the path. Access rules: target.user (id) = the path's user.
 *   trusts: create_trust: target.trust = body (trustor_user_id). get/delete_trust and trust roles: target.trust =
 *     stored (trustor_user_id, trustee_user_id). list_trusts_for_trustor/trustee: target.trust.trustor_user_id or
 *     trustee_user_id from the query string.
 *   limits: get_limit: target.limit (project_id) plus target.limit.project (domain_id) or target.limit.domain (id).
 *     Registered limits and limit listing always pass; writes are admin only.
 *   catalog (regions, services, endpoints, endpoint groups, project endpoints), endpoint policies, federation,
 *   OAuth1, revocation events, s3/ec2 token validation: nothing from the target; role and scope decide.
 */
import type { PolicyRule } from '../core/policy/enforcer.ts';
import { applicationCredentialsRules } from './policies/application-credentials.ts';
import { baseRules } from './policies/base.ts';
import { catalogRules } from './policies/catalog.ts';
import { credentialsRules } from './policies/credentials.ts';
import { domainsRules } from './policies/domains.ts';
import { endpointPoliciesRules } from './policies/endpoint-policies.ts';
import { federationRules } from './policies/federation.ts';
import { grantsRules } from './policies/grants.ts';
import { groupsRules } from './policies/groups.ts';
import { limitsRules } from './policies/limits.ts';
import { oauth1Rules } from './policies/oauth1.ts';
import { projectsRules } from './policies/projects.ts';
import { rolesRules } from './policies/roles.ts';
import { tokensRules } from './policies/tokens.ts';
import { trustsRules } from './policies/trusts.ts';
import { usersRules } from './policies/users.ts';

export const identityPolicies: readonly PolicyRule[] = [
  ...baseRules,
  ...tokensRules,
  ...usersRules,
  ...groupsRules,
  ...projectsRules,
  ...domainsRules,
  ...rolesRules,
  ...grantsRules,
  ...credentialsRules,
  ...applicationCredentialsRules,
  ...trustsRules,
  ...limitsRules,
  ...catalogRules,
  ...endpointPoliciesRules,
  ...federationRules,
  ...oauth1Rules,
];
