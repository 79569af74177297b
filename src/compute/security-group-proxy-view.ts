/** Nova's 2.1 views of Neutron security groups and their rules (os-security-groups, os-security-group-rules). */

export interface NeutronGroup {
  id: string;
  name: string;
  description: string;
  project_id?: string;
  tenant_id?: string;
  security_group_rules?: NeutronRule[];
}

export interface NeutronRule {
  id: string;
  security_group_id: string;
  direction: string;
  ethertype: string;
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
}

/** Remote groups named by rules: id → name and owner. */
export type GroupNames = Map<string, { name: string; tenant_id: string }>;

const ownerOf = (g: NeutronGroup) => g.project_id ?? g.tenant_id ?? '';

/**
 * One rule as Nova shows it: a protocol without ports spans 1-65535 for TCP/UDP and -1 for the others; a
 * rule from a group names that group, any other a CIDR.
 */
export function ruleView(rule: NeutronRule, groups: GroupNames): Record<string, unknown> {
  let from = rule.port_range_min;
  let to = rule.port_range_max;
  if (rule.protocol && from === null) {
    const tcpUdp = ['tcp', 'udp'].includes(rule.protocol.toLowerCase());
    from = tcpUdp ? 1 : -1;
    to = tcpUdp ? 65535 : -1;
  }
  const view: Record<string, unknown> = {
    id: rule.id,
    parent_group_id: rule.security_group_id,
    ip_protocol: rule.protocol,
    from_port: from,
    to_port: to,
    group: {},
    ip_range: {},
  };
  if (rule.remote_group_id) {
    const g = groups.get(rule.remote_group_id);
    view.group = g ? { name: g.name, tenant_id: g.tenant_id } : {};
  } else view.ip_range = { cidr: rule.remote_ip_prefix ?? (rule.ethertype === 'IPv6' ? '::/0' : '0.0.0.0/0') };
  return view;
}

/** A group as Nova shows it: its ingress rules only (Nova never showed egress rules). */
export function groupView(group: NeutronGroup, groups: GroupNames): Record<string, unknown> {
  return {
    id: group.id,
    name: group.name,
    description: group.description ?? '',
    tenant_id: ownerOf(group),
    rules: (group.security_group_rules ?? []).filter((r) => r.direction === 'ingress').map((r) => ruleView(r, groups)),
  };
}

export function namesOf(groups: NeutronGroup[]): GroupNames {
  return new Map(groups.map((g) => [g.id, { name: g.name, tenant_id: ownerOf(g) }]));
}

/** Group ids that rules name as remote groups but `known` does not hold. */
export function missingRemoteGroups(groups: NeutronGroup[], known: GroupNames): string[] {
  const out = new Set<string>();
  for (const g of groups)
    for (const r of g.security_group_rules ?? [])
      if (r.remote_group_id && !known.has(r.remote_group_id)) out.add(r.remote_group_id);
  return [...out];
}
