import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN_ONLY, ADMIN_OR_OWNER, PROJECT_MEMBER, PROJECT_READER, REGULAR_USER, rule } from './base.ts';

const ADMIN_OR_NET_OWNER_MEMBER = `(${ADMIN_ONLY}) or (role:member and rule:network_owner)`;
const ADMIN_OR_NET_OWNER_READER = `(${ADMIN_ONLY}) or (role:reader and rule:network_owner)`;

/**
 * neutron/conf/policies/subnet.py, subnetpool.py and address_scope.py. Subnet targets carry the network's
 * `shared`, `router:external` and `network:tenant_id`; pool and scope targets their own `shared`.
 */
export const subnetPolicies: readonly PolicyRule[] = [
  { name: 'external_network', check: "'True':%(router:external)s" },
  rule('create_subnet', ADMIN_OR_NET_OWNER_MEMBER, 'rule:admin_or_network_owner'),
  rule('create_subnet:segment_id', ADMIN_ONLY),
  rule('create_subnet:service_types', ADMIN_ONLY),
  rule(
    'get_subnet',
    `rule:shared or rule:external_network or ${ADMIN_OR_NET_OWNER_READER} or (${PROJECT_READER})`,
    `rule:shared or rule:external_network or ${ADMIN_OR_OWNER}`,
  ),
  rule('get_subnet:segment_id', ADMIN_ONLY),
  rule('update_subnet', ADMIN_OR_NET_OWNER_MEMBER, 'rule:admin_or_network_owner'),
  rule('update_subnet:segment_id', ADMIN_ONLY),
  rule('update_subnet:service_types', ADMIN_ONLY),
  rule('delete_subnet', ADMIN_OR_NET_OWNER_MEMBER, 'rule:admin_or_network_owner'),

  rule('create_subnetpool', PROJECT_MEMBER, REGULAR_USER),
  rule('create_subnetpool:shared', ADMIN_ONLY),
  rule('create_subnetpool:is_default', ADMIN_ONLY),
  rule(
    'get_subnetpool',
    `${PROJECT_READER} or rule:shared_subnetpools`,
    `${ADMIN_OR_OWNER} or rule:shared_subnetpools`,
  ),
  rule('update_subnetpool', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('update_subnetpool:is_default', ADMIN_ONLY),
  rule('delete_subnetpool', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('onboard_network_subnets', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('add_prefixes', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('remove_prefixes', PROJECT_MEMBER, ADMIN_OR_OWNER),

  rule('create_address_scope', PROJECT_MEMBER, REGULAR_USER),
  rule('create_address_scope:shared', ADMIN_ONLY),
  rule(
    'get_address_scope',
    `${PROJECT_READER} or rule:shared_address_scopes`,
    `${ADMIN_OR_OWNER} or rule:shared_address_scopes`,
  ),
  rule('update_address_scope', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('update_address_scope:shared', ADMIN_ONLY),
  rule('delete_address_scope', PROJECT_MEMBER, ADMIN_OR_OWNER),
];
