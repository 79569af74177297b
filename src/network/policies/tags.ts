import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { TAGGABLE } from '../taggable.ts';
import { ADMIN_OR_OWNER, PROJECT_MEMBER, REGULAR_USER, rule } from './base.ts';

/**
 * Tag rules per taggable resource, under the names later Neutron releases gave them (`update_network:tags`).
 * Zed checked only that the caller could see the resource; reading stays that way (visibility is checked
 * before the rule), while changing tags is for the owner: a project that sees a shared network may not
 * retag it.
 */
export const tagPolicies: readonly PolicyRule[] = TAGGABLE.flatMap(({ member }) => [
  rule(`get_${member}:tags`, REGULAR_USER),
  rule(`create_${member}:tags`, PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule(`update_${member}:tags`, PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule(`delete_${member}:tags`, PROJECT_MEMBER, ADMIN_OR_OWNER),
]);
