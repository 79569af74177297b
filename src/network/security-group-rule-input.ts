import { ApiError } from '../core/errors.ts';
import type { Validator } from './attributes.ts';
import { formatCidr, formatIp, parseCidr, parseIp } from './ip-math.ts';
import type { StandardColumns } from './standard-attrs.ts';
import type { SecurityGroupRuleRow } from './tables.ts';

/**
 * What Neutron accepts in a security group rule and how it canonicalises it: protocol names and numbers, port
 * ranges (ICMP type and code for ICMP), remote prefixes matching the ethertype, at most one remote. Errors carry
 * Neutron's exception names and wording, which clients match on.
 */

/** neutron-lib's IP_PROTOCOL_MAP, in its order (the order its error message lists them). */
const PROTOCOLS: Record<string, number> = {
  ah: 51,
  dccp: 33,
  egp: 8,
  esp: 50,
  gre: 47,
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ip: 0,
  ipip: 4,
  'ipv6-encap': 41,
  'ipv6-frag': 44,
  'ipv6-icmp': 58,
  icmpv6: 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  'ipv6-route': 43,
  ospf: 89,
  pgm: 113,
  rsvp: 46,
  sctp: 132,
  tcp: 6,
  udp: 17,
  udplite: 136,
  vrrp: 112,
};
/** Protocols whose rules take port ranges (DCCP, SCTP, TCP, UDP, UDP-Lite). */
const PORT_PROTOCOLS = new Set([33, 132, 6, 17, 136]);
const ICMP_PROTOCOLS = new Set([1, 58]);
/** Protocols that exist only over IPv6 (an IPv4 rule naming one is refused). */
const IPV6_ONLY = new Set(['ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts', 'ipv6-route']);
for (const name of [...IPV6_ONLY]) if (name !== 'icmpv6') IPV6_ONLY.add(String(PROTOCOLS[name]));

const invalid = (type: string, message: string) => new ApiError(400, type, message);

const SUPPORTED = `[None, ${Object.keys(PROTOCOLS)
  .map((p) => `'${p}'`)
  .join(', ')}]`;

/** A protocol name (any case) or number 0-255 (kept as its string), or null for any protocol. */
export const protocolValue: Validator = (value) => {
  if (value === null) return null;
  const bad = () =>
    invalid(
      'SecurityGroupRuleInvalidProtocol',
      `Security group rule protocol ${typeof value === 'string' ? value : JSON.stringify(value)} not supported. ` +
        `Only protocol values ${SUPPORTED} and integer representations [0 to 255] are supported.`,
    );
  if (typeof value === 'number' || (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value))) {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 255) throw bad();
    return String(n);
  }
  if (typeof value === 'string' && value.toLowerCase() in PROTOCOLS) return value.toLowerCase();
  throw bad();
};

/** A port 0-65535 (numbers or numeric strings), or null. */
export const portValue: Validator = (value) => {
  if (value === null) return null;
  const n = typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || Math.trunc(n) < 0 || Math.trunc(n) > 65535)
    throw invalid(
      'SecurityGroupInvalidPortValue',
      `Invalid value for port ${typeof value === 'string' ? value : JSON.stringify(value)}`,
    );
  return Math.trunc(n);
};

export const ethertypeValue: Validator = (value) => {
  for (const e of ['IPv4', 'IPv6']) if (typeof value === 'string' && value.toLowerCase() === e.toLowerCase()) return e;
  throw invalid(
    'SecurityGroupRuleInvalidEtherType',
    `Security group rule for ethertype '${typeof value === 'string' ? value : JSON.stringify(value)}' not supported. ` +
      "Allowed values are ['IPv4', 'IPv6'].",
  );
};

/** An address or CIDR, shown with its prefix length (host bits kept, as Neutron keeps them); '' is none. */
export const ipPrefixValue: Validator = (value) => {
  if (value === null || value === '') return null;
  const bad = () =>
    invalid(
      'InvalidCIDR',
      `Invalid CIDR ${typeof value === 'string' ? value : JSON.stringify(value)} given as IP prefix.`,
    );
  if (typeof value !== 'string') throw bad();
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(value.trim());
  const ip = m ? parseIp(m[1]) : undefined;
  if (!m || !ip) throw bad();
  const len = m[2] === undefined ? (ip.version === 4 ? 32 : 128) : Number(m[2]);
  if (len > (ip.version === 4 ? 32 : 128)) throw bad();
  return `${formatIp(ip.version, ip.value)}/${len}`;
};

/** The network of a remote prefix (`normalized_cidr`). */
export function normalizedCidr(prefix: string | null): string | null {
  const c = prefix ? parseCidr(prefix) : undefined;
  return c ? formatCidr(c) : null;
}

/** A rule's own columns, without the standard attributes. */
export type RuleInput = Omit<SecurityGroupRuleRow, keyof StandardColumns>;

/** The protocol's number, legacy aliases included; null for any protocol. */
export function protocolNumber(protocol: string | null): number | null {
  if (protocol === null) return null;
  return protocol in PROTOCOLS ? PROTOCOLS[protocol] : Number(protocol);
}

/**
 * Neutron's checks of one rule after its attributes are converted, in Neutron's order; canonicalises in place:
 * legacy IPv6 ICMP names become ipv6-icmp, and a range covering every port becomes no range.
 */
export function checkRule(rule: RuleInput): void {
  if (rule.ethertype === 'IPv6') {
    if (rule.protocol === 'icmp' || rule.protocol === 'icmpv6') rule.protocol = 'ipv6-icmp';
    else if (rule.protocol === '1') rule.protocol = '58';
  }
  if (rule.port_range_min === 1 && rule.port_range_max === 65535) {
    rule.port_range_min = null;
    rule.port_range_max = null;
  }
  checkPortRange(rule);
  if (rule.remote_ip_prefix) {
    const version = parseCidr(rule.remote_ip_prefix)?.version;
    if (rule.ethertype !== `IPv${version}`)
      throw invalid(
        'SecurityGroupRuleParameterConflict',
        `Conflicting value ethertype ${rule.ethertype} for CIDR ${rule.remote_ip_prefix}`,
      );
  }
  if (rule.ethertype === 'IPv4' && rule.protocol !== null && IPV6_ONLY.has(rule.protocol))
    throw invalid(
      'SecurityGroupEthertypeConflictWithProtocol',
      `Invalid ethertype ${rule.ethertype} for protocol ${rule.protocol}.`,
    );
  const remotes = [rule.remote_ip_prefix, rule.remote_group_id, rule.remote_address_group_id].filter(Boolean);
  if (remotes.length > 1)
    throw invalid(
      'SecurityGroupMultipleRemoteEntites',
      'Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.',
    );
}

function checkPortRange(rule: RuleInput): void {
  const { port_range_min: min, port_range_max: max } = rule;
  if (min === null && max === null) return;
  if (!rule.protocol)
    throw invalid('SecurityGroupProtocolRequiredWithPorts', 'Must also specify protocol if port range is given.');
  const proto = protocolNumber(rule.protocol) as number;
  if (PORT_PROTOCOLS.has(proto)) {
    if (min === 0 || max === 0) throw invalid('SecurityGroupInvalidPortValue', 'Invalid value for port 0');
    if (min === null || max === null || min > max)
      throw invalid('SecurityGroupInvalidPortRange', 'For TCP/UDP protocols, port_range_min must be <= port_range_max');
  } else if (ICMP_PROTOCOLS.has(proto)) {
    for (const [attr, field, value] of [
      ['port_range_min', 'type', min],
      ['port_range_max', 'code', max],
    ] as const)
      if (value !== null && value > 255)
        throw invalid(
          'SecurityGroupInvalidIcmpValue',
          `Invalid value for ICMP ${field} (${attr}) ${value}. It must be 0 to 255.`,
        );
    if (min === null && max !== null)
      throw invalid(
        'SecurityGroupMissingIcmpType',
        `ICMP code (port-range-max) ${max} is provided but ICMP type (port-range-min) is missing.`,
      );
  } else {
    throw invalid(
      'SecurityGroupInvalidProtocolForPort',
      `Ports cannot be specified for protocol ${proto}. Ports are only supported for DCCP, SCTP, TCP, UDP, UDPLITE.`,
    );
  }
}

/** Two rules are duplicates when they match on all of these (protocols compared by number, any-address = none). */
export function ruleKey(rule: RuleInput): string {
  const prefix = rule.remote_ip_prefix;
  const anyAddress = prefix === null || prefix === '0.0.0.0/0' || prefix === '::/0';
  let proto = rule.protocol;
  if (proto !== null && rule.ethertype === 'IPv6') {
    if (proto === 'icmp' || proto === 'icmpv6') proto = 'ipv6-icmp';
    else if (proto === '1') proto = '58';
  }
  return JSON.stringify([
    rule.direction,
    rule.ethertype,
    rule.port_range_max,
    rule.port_range_min,
    proto === null ? null : protocolNumber(proto),
    rule.remote_group_id,
    rule.remote_address_group_id,
    anyAddress ? null : prefix,
    rule.security_group_id,
  ]);
}
