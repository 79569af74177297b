import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN_ONLY, ADMIN_OR_OWNER, PROJECT_MEMBER, PROJECT_READER, REGULAR_USER, rule } from './base.ts';

const ADMIN_ATTRS = [
  'shared',
  'router:external',
  'is_default',
  'segments',
  'provider:network_type',
  'provider:physical_network',
  'provider:segmentation_id',
];
const PROVIDER = ['segments', 'provider:network_type', 'provider:physical_network', 'provider:segmentation_id'];

/** neutron/conf/policies/network.py, Zed. */
export const networkPolicies: readonly PolicyRule[] = [
  rule('create_network', PROJECT_MEMBER, REGULAR_USER),
  ...ADMIN_ATTRS.map((a) => rule(`create_network:${a}`, ADMIN_ONLY)),
  rule('create_network:port_security_enabled', PROJECT_MEMBER, REGULAR_USER),
  rule(
    'get_network',
    `${PROJECT_READER} or rule:shared or rule:external or rule:context_is_advsvc`,
    `${ADMIN_OR_OWNER} or rule:shared or rule:external or rule:context_is_advsvc`,
  ),
  rule('get_network:router:external', REGULAR_USER),
  ...PROVIDER.map((a) => rule(`get_network:${a}`, ADMIN_ONLY)),
  rule('update_network', PROJECT_MEMBER, ADMIN_OR_OWNER),
  ...ADMIN_ATTRS.map((a) => rule(`update_network:${a}`, ADMIN_ONLY)),
  rule('update_network:port_security_enabled', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('delete_network', PROJECT_MEMBER, ADMIN_OR_OWNER),
];
