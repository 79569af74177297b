import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN_ONLY, ADMIN_OR_OWNER, PROJECT_MEMBER, PROJECT_READER, REGULAR_USER, rule } from './base.ts';

const ADMIN_ATTRS = [
  'distributed',
  'ha',
  'external_gateway_info:enable_snat',
  'external_gateway_info:external_fixed_ips',
];
const MEMBER_ATTRS = ['external_gateway_info', 'external_gateway_info:network_id'];

/** neutron/conf/policies/router.py, Zed. */
export const routerPolicies: readonly PolicyRule[] = [
  rule('create_router', PROJECT_MEMBER, REGULAR_USER),
  ...MEMBER_ATTRS.map((a) => rule(`create_router:${a}`, PROJECT_MEMBER, ADMIN_OR_OWNER)),
  ...ADMIN_ATTRS.map((a) => rule(`create_router:${a}`, ADMIN_ONLY)),
  rule('get_router', PROJECT_READER, ADMIN_OR_OWNER),
  rule('get_router:distributed', ADMIN_ONLY),
  rule('get_router:ha', ADMIN_ONLY),
  rule('update_router', PROJECT_MEMBER, ADMIN_OR_OWNER),
  ...MEMBER_ATTRS.map((a) => rule(`update_router:${a}`, PROJECT_MEMBER, ADMIN_OR_OWNER)),
  ...ADMIN_ATTRS.map((a) => rule(`update_router:${a}`, ADMIN_ONLY)),
  rule('delete_router', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('add_router_interface', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('remove_router_interface', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('add_extraroutes', PROJECT_MEMBER, ADMIN_OR_OWNER),
  rule('remove_extraroutes', PROJECT_MEMBER, ADMIN_OR_OWNER),
];
