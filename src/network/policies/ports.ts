import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ADMIN_ONLY, PROJECT_MEMBER, PROJECT_READER, REGULAR_USER, rule } from './base.ts';

const NET_OWNER_MEMBER = 'role:member and rule:network_owner';
const ADVSVC = 'rule:context_is_advsvc';
const ADMIN_OR_NET_OWNER = 'rule:admin_or_network_owner';
const BINDING = ['binding:host_id', 'binding:vif_type', 'binding:vif_details', 'binding:profile'];

/** (current, deprecated) for "the network's owner, an advanced service or an admin". */
const netOwner = (name: string, extra = ''): PolicyRule =>
  rule(
    name,
    `(${ADMIN_ONLY}) or (${NET_OWNER_MEMBER}) or ${ADVSVC}${extra}`,
    `${ADVSVC} or ${ADMIN_OR_NET_OWNER}${extra}`,
  );

/**
 * neutron/conf/policies/port.py. Port targets carry `network:tenant_id` (the network's owner), the network's
 * `shared`, and `device_owner_is_network` ('True' for `network:*` owners: the `network_device` rule).
 */
export const portPolicies: readonly PolicyRule[] = [
  { name: 'network_device', check: "'True':%(device_owner_is_network)s" },
  rule('create_port', `${PROJECT_MEMBER} or rule:shared or (${NET_OWNER_MEMBER})`, REGULAR_USER),
  rule('create_port:device_id', REGULAR_USER),
  rule(
    'create_port:device_owner',
    `not rule:network_device or ${ADVSVC} or (${ADMIN_ONLY}) or (${NET_OWNER_MEMBER})`,
    `not rule:network_device or ${ADVSVC} or ${ADMIN_OR_NET_OWNER}`,
  ),
  netOwner('create_port:mac_address'),
  netOwner('create_port:fixed_ips', ' or rule:shared'),
  netOwner('create_port:fixed_ips:ip_address'),
  netOwner('create_port:fixed_ips:subnet_id', ' or rule:shared'),
  netOwner('create_port:port_security_enabled'),
  rule('create_port:binding:host_id', ADMIN_ONLY),
  rule('create_port:binding:profile', ADMIN_ONLY),
  rule('create_port:binding:vnic_type', REGULAR_USER),
  rule('create_port:allowed_address_pairs', `(${ADMIN_ONLY}) or (${NET_OWNER_MEMBER})`, ADMIN_OR_NET_OWNER),
  rule(
    'get_port',
    `(${PROJECT_READER}) or (role:reader and rule:network_owner) or ${ADVSVC}`,
    `${ADVSVC} or rule:admin_owner_or_network_owner`,
  ),
  ...BINDING.map((a) => rule(`get_port:${a}`, ADMIN_ONLY)),
  rule('update_port', `(${PROJECT_MEMBER}) or ${ADVSVC}`, `rule:admin_or_owner or ${ADVSVC}`),
  rule('update_port:device_id', REGULAR_USER),
  rule(
    'update_port:device_owner',
    `not rule:network_device or ${ADVSVC} or (${ADMIN_ONLY}) or (${NET_OWNER_MEMBER})`,
    `not rule:network_device or ${ADVSVC} or ${ADMIN_OR_NET_OWNER}`,
  ),
  netOwner('update_port:mac_address'),
  netOwner('update_port:fixed_ips'),
  netOwner('update_port:fixed_ips:ip_address'),
  netOwner('update_port:fixed_ips:subnet_id', ' or rule:shared'),
  netOwner('update_port:port_security_enabled'),
  rule('update_port:binding:host_id', ADMIN_ONLY),
  rule('update_port:binding:profile', ADMIN_ONLY),
  rule('update_port:binding:vnic_type', `(${PROJECT_MEMBER}) or ${ADVSVC}`, `rule:admin_or_owner or ${ADVSVC}`),
  rule('update_port:allowed_address_pairs', `(${ADMIN_ONLY}) or (${NET_OWNER_MEMBER})`, ADMIN_OR_NET_OWNER),
  rule(
    'delete_port',
    `(${PROJECT_MEMBER}) or ${ADVSVC} or (${NET_OWNER_MEMBER})`,
    `${ADVSVC} or rule:admin_owner_or_network_owner`,
  ),
];
