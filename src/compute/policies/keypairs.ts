import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN, rule } from './base.ts';

/** nova/policies/keypairs.py: key pairs belong to a user; admins manage anyone's (2.10 `user_id`). */
const OWNER = `(${ADMIN}) or user_id:%(user_id)s`;
export const keypairPolicies: readonly PolicyRule[] = ['index', 'create', 'delete', 'show'].map((a) =>
  rule(`os_compute_api:os-keypairs:${a}`, OWNER),
);
