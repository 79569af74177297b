import type { SelectQueryBuilder } from 'kysely';
import type { Caller } from '../access.ts';
import { badRequest } from '../errors.ts';
import type { NetworkDb, NetworkTables, PortRow } from '../tables.ts';

type PortQuery = SelectQueryBuilder<NetworkTables, 'ports', PortRow>;

/** Ports the caller may see: their own, and every port on a network they own (Neutron's network-owner rule). */
export function visiblePorts(db: NetworkDb, caller: Caller): PortQuery {
  const q = db.selectFrom('ports').selectAll('ports');
  if (caller.isAdmin) return q;
  return q.where((eb) =>
    eb.or([
      eb('ports.project_id', '=', caller.projectId),
      eb(
        'ports.network_id',
        'in',
        eb.selectFrom('networks').select('networks.id').where('networks.project_id', '=', caller.projectId),
      ),
    ]),
  );
}

/**
 * `?fixed_ips=ip_address=10.0.0.5&fixed_ips=subnet_id=<id>&fixed_ips=ip_address_substr=10.0`: ports with an
 * address matching every given key (values of one key are alternatives), as Neutron filters.
 */
export function filterByFixedIps(query: PortQuery, values: string[]): PortQuery {
  const by = new Map<string, string[]>();
  for (const value of values) {
    const m = /^(ip_address|subnet_id|ip_address_substr)=(.*)$/.exec(value);
    if (!m) throw badRequest(`Invalid input for fixed_ips filter: ${value}`);
    by.set(m[1], [...(by.get(m[1]) ?? []), m[2]]);
  }
  return query.where('ports.id', 'in', (eb) => {
    let sub = eb.selectFrom('ip_allocations').select('ip_allocations.port_id');
    const ips = by.get('ip_address');
    const subnets = by.get('subnet_id');
    const substrings = by.get('ip_address_substr');
    if (ips) sub = sub.where('ip_allocations.ip_address', 'in', ips);
    if (subnets) sub = sub.where('ip_allocations.subnet_id', 'in', subnets);
    if (substrings)
      sub = sub.where((e) => e.or(substrings.map((s) => e('ip_allocations.ip_address', 'like', `%${s}%`))));
    return sub.$narrowType<{ port_id: string }>();
  });
}
