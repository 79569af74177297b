import type { ServiceApp } from '../../core/http/service.ts';
import { enforce } from '../access.ts';
import { type AttrMap, v } from '../attributes.ts';
import type { NetworkDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { hasTable } from '../installed-tables.ts';
import { parseCidr, parseIp, sizeOf } from '../ip-math.ts';
import { type ListQuery, parseListQuery, pickFields } from '../listing.ts';
import type { NetworkDb } from '../tables.ts';

interface IdParams {
  network_id: string;
}

/** The filters Neutron's network-ip-availability accepts. */
const AVAILABILITY_ATTRS: AttrMap = {
  network_id: { parse: v.string(36), filter: true },
  network_name: { parse: v.string(255), filter: true },
  project_id: { parse: v.string(255), filter: true },
  ip_version: { parse: v.oneOf(4, 6, '4', '6'), filter: true },
};

interface SubnetAvailability {
  subnet_id: string;
  subnet_name: string;
  cidr: string;
  ip_version: number;
  total_ips: bigint;
  used_ips: number;
}

/**
 * /v2.0/network-ip-availabilities (admin): per network and subnet, how many addresses the allocation pools
 * hold (`total_ips`) and how many are allocated (`used_ips`), as Neutron's network-ip-availability.
 */
export function networkIpAvailabilityRoutes(app: ServiceApp, deps: NetworkDeps): void {
  app.get('/v2.0/network-ip-availabilities', async (req) => {
    enforce(req, 'get_network_ip_availability', {});
    const q = parseListQuery(req.query as Record<string, string>, AVAILABILITY_ATTRS);
    const all = await availabilities(deps.db, deps, q);
    return { network_ip_availabilities: all.map((a) => pickFields(a, q.fields)) };
  });

  app.get<{ Params: IdParams }>('/v2.0/network-ip-availabilities/:network_id', async (req) => {
    enforce(req, 'get_network_ip_availability', {});
    const fields = (req.query as Record<string, string>).fields ?? [];
    const q = parseListQuery({ fields, network_id: req.params.network_id }, AVAILABILITY_ATTRS);
    const [found] = await availabilities(deps.db, deps, q);
    if (!found) throw notFound('network', req.params.network_id);
    return { network_ip_availability: pickFields(found, q.fields) };
  });
}

async function availabilities(db: NetworkDb, deps: NetworkDeps, q: ListQuery): Promise<Record<string, unknown>[]> {
  const f = (name: string) => q.filters.get(name)?.map(String);
  let nets = db.selectFrom('networks').select(['id', 'name', 'project_id']).orderBy('id');
  if (f('network_id')) nets = nets.where('id', 'in', f('network_id') as string[]);
  if (f('network_name')) nets = nets.where('name', 'in', f('network_name') as string[]);
  if (f('project_id')) nets = nets.where('project_id', 'in', f('project_id') as string[]);
  const networks = await nets.execute();
  const subnets = await subnetsOf(
    db,
    deps,
    networks.map((n) => n.id),
    f('ip_version')?.map(Number),
  );
  const out: Record<string, unknown>[] = [];
  for (const n of networks) {
    const mine = subnets.get(n.id) ?? [];
    if (f('ip_version') && mine.length === 0) continue;
    out.push({
      network_id: n.id,
      network_name: n.name,
      project_id: n.project_id,
      tenant_id: n.project_id,
      subnet_ip_availability: mine.map((s) => ({ ...s, total_ips: exactJson(s.total_ips) })),
      total_ips: exactJson(mine.reduce((sum, s) => sum + s.total_ips, 0n)),
      used_ips: mine.reduce((sum, s) => sum + s.used_ips, 0),
    });
  }
  return out;
}

/** Each network's subnets with their pool sizes and allocation counts; none while subnets are not installed. */
async function subnetsOf(
  db: NetworkDb,
  deps: NetworkDeps,
  networkIds: string[],
  versions: number[] | undefined,
): Promise<Map<string, SubnetAvailability[]>> {
  const out = new Map<string, SubnetAvailability[]>();
  if (networkIds.length === 0 || !(await hasTable(db, deps, 'subnets'))) return out;
  let sq = db
    .selectFrom('subnets')
    .select(['id', 'name', 'network_id', 'cidr', 'ip_version'])
    .where('network_id', 'in', networkIds)
    .orderBy('id');
  if (versions) sq = sq.where('ip_version', 'in', versions);
  const subnets = await sq.execute();
  if (subnets.length === 0) return out;
  const ids = subnets.map((s) => s.id);
  const pools = (await hasTable(db, deps, 'subnet_allocation_pools'))
    ? await db.selectFrom('subnet_allocation_pools').selectAll().where('subnet_id', 'in', ids).execute()
    : [];
  const used = (await hasTable(db, deps, 'ip_allocations'))
    ? await db
        .selectFrom('ip_allocations')
        .select(['subnet_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('subnet_id', 'in', ids)
        .groupBy('subnet_id')
        .execute()
    : [];
  const usedBy = new Map(used.map((u) => [u.subnet_id, Number(u.n)]));
  for (const s of subnets) {
    const mine = pools.filter((p) => p.subnet_id === s.id);
    // A subnet without pools counts its whole CIDR, as Neutron does.
    const cidr = parseCidr(s.cidr);
    const total =
      mine.length > 0 ? mine.reduce((sum, p) => sum + poolSize(p.first_ip, p.last_ip), 0n) : cidr ? sizeOf(cidr) : 0n;
    out.set(s.network_id, [
      ...(out.get(s.network_id) ?? []),
      {
        subnet_id: s.id,
        subnet_name: s.name,
        cidr: s.cidr,
        ip_version: s.ip_version,
        total_ips: total,
        used_ips: usedBy.get(s.id) ?? 0,
      },
    ]);
  }
  return out;
}

/**
 * A count as an exact JSON integer: an IPv6 /64 holds 2^64 - 2 addresses, past a double's precision, and
 * Neutron's clients (Python) read the exact value.
 */
function exactJson(n: bigint): unknown {
  if (n <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(n);
  // JSON.rawJSON (ES2025, in Node since 21) is not in TypeScript's lib yet.
  return (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(n.toString());
}

function poolSize(first: string, last: string): bigint {
  const a = parseIp(first);
  const b = parseIp(last);
  return a && b && b.value >= a.value ? b.value - a.value + 1n : 0n;
}
