import { badRequest } from './errors.ts';
import { isUuid } from './neutron-proxy.ts';

/**
 * A Nova security group rule request (`ip_protocol`, `from_port`, `to_port`, `cidr` or `group_id`) as the
 * ingress rule Neutron stores, with Nova's checks and messages: ports must be integers, TCP/UDP ports lie in
 * 1-65535 with from ≤ to, ICMP type and code in -1..255; without a group the CIDR defaults to 0.0.0.0/0.
 */
export function neutronRuleOf(args: Record<string, unknown>, parentId: string): Record<string, unknown> {
  const groupId = args.group_id === undefined || args.group_id === null ? undefined : String(args.group_id);
  const rawProtocol = args.ip_protocol === undefined || args.ip_protocol === null ? '' : String(args.ip_protocol);
  const protocol = rawProtocol.toUpperCase();
  let from = args.from_port as unknown;
  let to = args.to_port as unknown;
  let cidr: string | undefined;
  if (groupId) {
    if (!isUuid(groupId)) throw badRequest('Security group id should be uuid');
    if (from === undefined && to === undefined) {
      if (protocol === 'ICMP') from = to = -1;
      else if (protocol === 'TCP' || protocol === 'UDP') {
        from = 1;
        to = 65535;
      }
    }
  } else {
    cidr = args.cidr === undefined || args.cidr === null || args.cidr === '' ? '0.0.0.0/0' : String(args.cidr);
    if (!validCidr(cidr)) throw badRequest(`${cidr} is not a valid IP network.`);
  }
  const rule: Record<string, unknown> = {
    security_group_id: parentId,
    direction: 'ingress',
    ethertype: cidr?.includes(':') ? 'IPv6' : 'IPv4',
  };
  if (groupId) rule.remote_group_id = groupId;
  else rule.remote_ip_prefix = cidr;

  if (rawProtocol && from !== undefined && from !== null && to !== undefined && to !== null) {
    const f = toInt(from);
    const t = toInt(to);
    if (f === undefined || t === undefined)
      throw badRequest(
        protocol === 'ICMP'
          ? 'Invalid input received: Type and Code must be integers for ICMP protocol type'
          : 'Invalid input received: To and From ports must be integers',
      );
    if (!['TCP', 'UDP', 'ICMP'].includes(protocol)) throw badRequest(`Invalid IP protocol ${rawProtocol}.`);
    if (protocol !== 'ICMP' && f > t)
      throw badRequest(`Invalid port range ${f}:${t}. Former value cannot be greater than the later`);
    if (protocol !== 'ICMP' && (f < 1 || t > 65535))
      throw badRequest(`Invalid port range ${f}:${t}. Valid ${protocol} ports should be between 1-65535`);
    if (protocol === 'ICMP' && (f < -1 || f > 255 || t < -1 || t > 255))
      throw badRequest(`Invalid port range ${f}:${t}. For ICMP, the type:code must be valid`);
    rule.protocol = rawProtocol.toLowerCase();
    if (protocol === 'ICMP') {
      if (f !== -1) rule.port_range_min = f;
      if (f !== -1 && t !== -1) rule.port_range_max = t;
    } else {
      rule.port_range_min = f;
      rule.port_range_max = t;
    }
  } else if (!groupId || rawProtocol) {
    // Nova builds no rule from a CIDR (or a protocol) without both ports.
    throw badRequest('Not enough parameters to build a valid rule.');
  }
  return rule;
}

function toInt(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  return Number.isInteger(n) ? n : undefined;
}

function validCidr(cidr: string): boolean {
  const [addr, len, extra] = cidr.split('/');
  if (extra !== undefined || !addr) return false;
  const v6 = addr.includes(':');
  const max = v6 ? 128 : 32;
  if (len !== undefined && !(/^\d+$/.test(len) && Number(len) <= max)) return false;
  if (v6) return /^[0-9a-f:.]+$/i.test(addr) && addr.split('::').length <= 2;
  const parts = addr.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}
