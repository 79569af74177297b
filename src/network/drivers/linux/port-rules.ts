import type { PortSpec, SecurityRuleSpec } from '../dataplane.ts';
import { bridgeName, conntrackZone, tapName } from './names.ts';

/**
 * The nftables text of a host namespace's port filtering, generated whole from the ports the driver has
 * plugged. The kernel here has no bridge conntrack (`ct state` fails in a `bridge` table), so:
 *
 * - table `bridge strata_ports` marks each packet by port: prerouting (by `iifname`, the tap it came from)
 *   sets the low 16 bits to the sending port's index and jumps to its anti-spoofing chain; forward (by
 *   `oifname`, before br_netfilter's own hook at priority 0) sets the high 16 bits to the receiving port's;
 * - table `inet strata_filter` sees the bridged packets through br_netfilter
 *   (`net.bridge.bridge-nf-call-iptables=1`), puts each network's packets in a conntrack zone of its own
 *   (prerouting, priority -300, by bridge) so overlapping tenant CIDRs never share a connection, accepts
 *   established flows, then runs the sender's egress chain and the receiver's ingress chain. A rule that
 *   allows `return`s; each port chain ends in `drop` (Neutron's default deny, both directions).
 *
 * Ports with port security off get no mark and so no filtering. Remote groups arrive expanded
 * (`remote_ip_prefixes`); an empty expansion matches nothing, so such a rule is left out. A port whose rules
 * all come from stateless groups has its chains run before the established-flow accept, so its replies pass
 * only by its own rules, as Neutron's stateless groups behave.
 */
export interface FilteredPort {
  spec: PortSpec;
  /** 1..65535, this port's value in the packet mark. */
  index: number;
}

export const PORTS_TABLE = 'strata_ports';
export const FILTER_TABLE = 'strata_filter';

export function hostRuleset(ports: FilteredPort[], networkIds: string[]): string {
  const filtered = ports.filter((p) => p.spec.port_security_enabled);
  const lines: string[] = [];
  // Declaring then deleting makes the replace valid whether or not the table exists; one `nft -f` is one
  // transaction, so packets see the old rules or the new ones, never none.
  for (const t of [`bridge ${PORTS_TABLE}`, `inet ${FILTER_TABLE}`]) lines.push(`table ${t}`, `delete table ${t}`);

  lines.push(`table bridge ${PORTS_TABLE} {`);
  for (const p of filtered) lines.push(...chain(`spoof_${key(p)}`, antiSpoofing(p.spec)));
  lines.push(
    ...baseChain('prerouting', 'prerouting', -300, [
      ...filtered.map((p) => `iifname "${tapName(p.spec.id)}" meta mark set ${hex(p.index)} jump spoof_${key(p)}`),
    ]),
    ...baseChain('forward', 'forward', -100, [
      ...filtered.map(
        (p) => `oifname "${tapName(p.spec.id)}" meta mark set meta mark & 0x0000ffff | ${hex(p.index << 16)}`,
      ),
    ]),
    '}',
  );

  lines.push(`table inet ${FILTER_TABLE} {`);
  lines.push(
    ...baseChain(
      'zones',
      'prerouting',
      -300,
      networkIds.map((id) => `iifname "${bridgeName(id)}" ct zone set ${conntrackZone(id)}`),
    ),
  );
  const vmaps = (ports: FilteredPort[]) => {
    const egress = ports.map((p) => `${hex(p.index)} : jump egress_${key(p)}`);
    const ingress = ports.map((p) => `${hex(p.index << 16)} : jump ingress_${key(p)}`);
    return [
      ...(egress.length ? [`meta mark & 0x0000ffff vmap { ${egress.join(', ')} }`] : []),
      ...(ingress.length ? [`meta mark & 0xffff0000 vmap { ${ingress.join(', ')} }`] : []),
    ];
  };
  lines.push(
    ...baseChain('forward', 'forward', 0, [
      'meta mark 0 accept',
      // Stateless ports' chains run before conntrack may accept: their replies need rules of their own.
      ...vmaps(filtered.filter(isStateless)),
      'ct state invalid drop',
      'ct state established,related accept',
      ...vmaps(filtered.filter((p) => !isStateless(p))),
    ]),
  );
  for (const p of filtered) {
    lines.push(...chain(`egress_${key(p)}`, [...egressBase, ...groupRules(p.spec, 'egress'), 'drop']));
    lines.push(...chain(`ingress_${key(p)}`, [...ingressBase, ...groupRules(p.spec, 'ingress'), 'drop']));
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** What a guest may send regardless of its groups (DHCP and IPv6 neighbour discovery), and may never. */
const egressBase = [
  'udp sport 67 udp dport 68 drop',
  'udp sport 68 udp dport 67 return',
  'icmpv6 type nd-router-advert drop',
  'icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert, mld-listener-report, mld2-listener-report } return',
];
const ingressBase = [
  'udp sport 67 udp dport 68 return',
  'icmpv6 type { nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } return',
];

/** From the VM: only its MACs and addresses (fixed IPs and allowed address pairs), ARP only for them. */
function antiSpoofing(port: PortSpec): string[] {
  const macs = unique([port.mac_address, ...port.allowed_address_pairs.map((a) => a.mac_address)]).map((m) =>
    m.toLowerCase(),
  );
  const addrs = unique([
    ...port.fixed_ips.map((f) => f.ip_address),
    ...port.allowed_address_pairs.map((a) => a.ip_address),
  ]);
  const v4 = addrs.filter((a) => !a.includes(':'));
  const v6 = addrs.filter((a) => a.includes(':'));
  return [
    `ether saddr != ${set(macs)} drop`,
    'ether type vlan drop',
    `ether type arp arp saddr ether != ${set(macs)} drop`,
    // 0.0.0.0 is the sender of an RFC 5227 address probe, which a guest sends before it uses an address.
    `ether type arp arp saddr ip != ${set(['0.0.0.0', ...v4])} drop`,
    'ip saddr 0.0.0.0 ip daddr 255.255.255.255 udp sport 68 udp dport 67 return',
    v4.length ? `ip saddr != ${set(v4)} drop` : 'ether type ip drop',
    // Link-local sources (and :: for duplicate address detection) are what IPv6 needs before any address.
    `ip6 saddr != ${set(['::', 'fe80::/64', ...v6])} drop`,
    'return',
  ];
}

function groupRules(port: PortSpec, direction: 'ingress' | 'egress'): string[] {
  return port.security_group_rules.filter((r) => r.direction === direction).flatMap((r) => ruleStatement(r));
}

/** One security group rule as an nft rule that returns (allows); [] when it can match nothing. */
export function ruleStatement(r: SecurityRuleSpec): string[] {
  const v6 = r.ethertype === 'IPv6';
  const parts = [v6 ? 'meta nfproto ipv6' : 'meta nfproto ipv4'];
  if (r.remote_ip_prefixes) {
    const prefixes = r.remote_ip_prefixes.filter((p) => p.includes(':') === v6);
    if (prefixes.length === 0) return [];
    const everything = prefixes.some((p) => p === '0.0.0.0/0' || p === '::/0');
    if (!everything)
      parts.push(`${v6 ? 'ip6' : 'ip'} ${r.direction === 'ingress' ? 'saddr' : 'daddr'} ${set(prefixes)}`);
  }
  const proto = protocolOf(r.protocol, v6);
  if (proto === undefined) return [];
  if (proto) {
    const ranged = ['tcp', 'udp', 'sctp', 'udplite', 'dccp'].includes(proto);
    const icmp = proto === 'icmp' || proto === 'icmpv6';
    if (ranged && r.port_range_min !== null) {
      const max = r.port_range_max ?? r.port_range_min;
      parts.push(`${proto} dport ${max === r.port_range_min ? r.port_range_min : `${r.port_range_min}-${max}`}`);
    } else if (icmp && r.port_range_min !== null) {
      parts.push(`${proto} type ${r.port_range_min}`);
      if (r.port_range_max !== null) parts.push(`${proto} code ${r.port_range_max}`);
    } else parts.push(`meta l4proto ${proto === 'icmpv6' ? 'ipv6-icmp' : proto}`);
  }
  return [`${parts.join(' ')} return`];
}

const protocolNumbers: Record<string, string> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmpv6', '132': 'sctp' };

/** '' for any protocol; undefined for a name nft would not know (the rule is left out rather than fail all). */
function protocolOf(p: string | null, v6: boolean): string | undefined {
  if (p === null || p === '' || p === 'any') return '';
  const name = protocolNumbers[p] ?? p.toLowerCase();
  if (name === 'icmp' || name === 'ipv6-icmp' || name === 'icmpv6') return v6 ? 'icmpv6' : 'icmp';
  if (/^\d{1,3}$/.test(name)) return name;
  return /^[a-z][a-z0-9-]*$/.test(name) ? name : undefined;
}

function chain(name: string, rules: string[]): string[] {
  return [`  chain ${name} {`, ...rules.map((r) => `    ${r}`), '  }'];
}

function baseChain(name: string, hook: string, priority: number, rules: string[]): string[] {
  return chain(name, [`type filter hook ${hook} priority ${priority}; policy accept;`, ...rules]);
}

const isStateless = (p: FilteredPort): boolean =>
  p.spec.security_group_rules.length > 0 && p.spec.security_group_rules.every((r) => !r.stateful);
const key = (p: FilteredPort) => p.spec.id.slice(0, 11).replaceAll('-', '_');
const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
const set = (xs: string[]) => `{ ${xs.join(', ')} }`;
const unique = <T>(xs: T[]): T[] => [...new Set(xs)];
