import type { Caller } from './access.ts';
import { type AttrMap, v } from './attributes.ts';
import {
  ethertypeValue,
  ipPrefixValue,
  normalizedCidr,
  portValue,
  protocolValue,
} from './security-group-rule-input.ts';
import { STANDARD_ATTRS, standardView } from './standard-attrs.ts';
import { rulesOfGroups, sharedSecurityGroups } from './store/security-groups.ts';
import { tagsOf } from './store/tags.ts';
import type { NetworkDb, SecurityGroupRow, SecurityGroupRuleRow } from './tables.ts';

/** The security group's attributes (Neutron's map with stateful-security-group and shared filtering). */
export const SECURITY_GROUP_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  name: { parse: v.string(255), post: true, put: true, default: '', filter: true, sort: true },
  stateful: { parse: v.boolean(), post: true, put: true, default: true, filter: true, sort: true },
  shared: { parse: v.boolean() },
  security_group_rules: { parse: v.any() },
};

const nullableString = (max: number) => v.nullable(v.string(max));

/** The rule's attributes; none may change after create (Neutron has no rule update). */
export const SECURITY_GROUP_RULE_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  security_group_id: { parse: v.string(36), post: true, required: true, filter: true, sort: true },
  direction: { parse: v.oneOf('ingress', 'egress'), post: true, required: true, filter: true, sort: true },
  ethertype: { parse: ethertypeValue, post: true, default: 'IPv4', filter: true, sort: true },
  protocol: { parse: protocolValue, post: true, default: null, filter: true, sort: true },
  port_range_min: { parse: portValue, post: true, default: null, filter: true, sort: true },
  port_range_max: { parse: portValue, post: true, default: null, filter: true, sort: true },
  remote_ip_prefix: { parse: ipPrefixValue, post: true, default: null, filter: true, sort: true },
  remote_group_id: { parse: nullableString(36), post: true, default: null, filter: true, sort: true },
  remote_address_group_id: { parse: v.nullable(v.uuid()), post: true, default: null, filter: true, sort: true },
  normalized_cidr: { parse: v.any() },
};

export function securityGroupRuleView(row: SecurityGroupRuleRow, tags: readonly string[]): Record<string, unknown> {
  return {
    ...standardView(row, tags),
    security_group_id: row.security_group_id,
    direction: row.direction,
    ethertype: row.ethertype,
    protocol: row.protocol,
    port_range_min: row.port_range_min,
    port_range_max: row.port_range_max,
    remote_ip_prefix: row.remote_ip_prefix,
    remote_group_id: row.remote_group_id,
    remote_address_group_id: row.remote_address_group_id,
    normalized_cidr: normalizedCidr(row.remote_ip_prefix),
  };
}

export function securityGroupView(
  row: SecurityGroupRow,
  extras: { tags: readonly string[]; shared: boolean; rules: Record<string, unknown>[] },
): Record<string, unknown> {
  return {
    ...standardView(row, extras.tags),
    name: row.name,
    stateful: Boolean(row.stateful),
    shared: extras.shared,
    security_group_rules: extras.rules,
  };
}

/** Views of rules with their tags, in one query. */
export async function ruleViewsOf(db: NetworkDb, rows: SecurityGroupRuleRow[]): Promise<Record<string, unknown>[]> {
  const tags = await tagsOf(
    db,
    'security_group_rule',
    rows.map((r) => r.id),
  );
  return rows.map((r) => securityGroupRuleView(r, tags.get(r.id) ?? []));
}

/** Views of groups with their tags, rules and per-viewer sharing, in a few queries. */
export async function groupViewsOf(
  db: NetworkDb,
  caller: Caller,
  rows: SecurityGroupRow[],
): Promise<Record<string, unknown>[]> {
  const ids = rows.map((r) => r.id);
  const [tags, shared, rules] = await Promise.all([
    tagsOf(db, 'security_group', ids),
    sharedSecurityGroups(db, caller, ids),
    rulesOfGroups(db, ids),
  ]);
  const ruleViews = await ruleViewsOf(db, [...rules.values()].flat());
  const byGroup = new Map<string, Record<string, unknown>[]>();
  for (const view of ruleViews) {
    const group = view.security_group_id as string;
    byGroup.set(group, [...(byGroup.get(group) ?? []), view]);
  }
  return rows.map((row) =>
    securityGroupView(row, {
      tags: tags.get(row.id) ?? [],
      shared: shared.has(row.id),
      rules: byGroup.get(row.id) ?? [],
    }),
  );
}
