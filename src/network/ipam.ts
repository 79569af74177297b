import { ApiError } from '../core/errors.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import { contains, eui64, formatIp, lastOf, parseIp } from './ip-math.ts';
import { cidrOf, isAutoAddress } from './subnet-rules.ts';
import type { NetworkDb, NetworkTables, SubnetRow } from './tables.ts';

type SubnetAllocationPool = NetworkTables['subnet_allocation_pools'];

/**
 * IP address management: a port's fixed IPs are `ip_allocations` rows. An address is taken by inserting its row;
 * the unique index on (subnet_id, ip_address) is the only arbiter, so two transactions that chose the same free
 * address (PostgreSQL runs them side by side) cannot both keep it. The loser's insert fails inside a savepoint,
 * which is rolled back, and it picks again from a window of free addresses that widens with each retry.
 */
export interface FixedIpRequest {
  subnet_id?: string;
  ip_address?: string;
}

export interface FixedIp {
  subnet_id: string;
  ip_address: string;
}

export interface AllocationContext {
  networkId: string;
  portId: string;
  mac: string;
  deviceOwner: string;
}

const ROUTER_INTERFACE = /^network:(router_interface|router_interface_distributed|ha_router_replicated_interface)$/;

/** Allocates the port's addresses: those requested, or Neutron's default (one IPv4, SLAAC/stateful IPv6). */
export async function allocateFixedIps(
  trx: NetworkDb,
  ctx: AllocationContext,
  requests: FixedIpRequest[] | undefined,
): Promise<FixedIp[]> {
  const subnets = await trx
    .selectFrom('subnets')
    .selectAll()
    .where('network_id', '=', ctx.networkId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const out: FixedIp[] = [];
  if (requests === undefined) {
    const usable = forOwner(subnets, ctx.deviceOwner);
    const v4 = usable.filter((s) => s.ip_version === 4);
    if (v4.length) out.push(await allocateAny(trx, ctx, v4));
    const v6stateful = usable.filter((s) => s.ip_version === 6 && !isAutoAddress(s.ipv6_address_mode));
    if (v6stateful.length) out.push(await allocateAny(trx, ctx, v6stateful));
    if (!ROUTER_INTERFACE.test(ctx.deviceOwner))
      for (const s of usable.filter((x) => x.ip_version === 6 && isAutoAddress(x.ipv6_address_mode)))
        out.push(await take(trx, ctx, s, slaacAddress(s, ctx.mac), true));
    return out;
  }
  for (const r of requests) {
    // A subnet that does not exist at all is Neutron's 404; one on another network is its 400 (subnetFor).
    if (r.subnet_id !== undefined && !subnets.some((s) => s.id === r.subnet_id)) {
      const exists = await trx.selectFrom('subnets').select('id').where('id', '=', r.subnet_id).executeTakeFirst();
      if (!exists) throw notFound('subnet', r.subnet_id);
    }
    const subnet = subnetFor(subnets, ctx.networkId, r);
    if (r.ip_address !== undefined) {
      if (isAutoAddress(subnet.ipv6_address_mode) && !ROUTER_INTERFACE.test(ctx.deviceOwner))
        throw badRequest(
          `Invalid input for operation: IPv6 address ${r.ip_address} cannot be directly assigned to a port on subnet ${subnet.id} as the subnet is configured for automatic addresses.`,
          'InvalidInput',
        );
      out.push(await take(trx, ctx, subnet, r.ip_address, false));
    } else if (isAutoAddress(subnet.ipv6_address_mode) && !ROUTER_INTERFACE.test(ctx.deviceOwner)) {
      out.push(await take(trx, ctx, subnet, slaacAddress(subnet, ctx.mac), true));
    } else out.push(await allocateAny(trx, ctx, [subnet]));
  }
  const seen = new Set<string>();
  for (const f of out) {
    const key = `${f.subnet_id}/${f.ip_address}`;
    if (seen.has(key)) throw ipTaken(f);
    seen.add(key);
  }
  return out;
}

/** Frees every address of the port; the next allocation on its subnets looks from the lowest freed one. */
export async function releaseFixedIps(trx: NetworkDb, portId: string): Promise<void> {
  const freed = await trx
    .selectFrom('ip_allocations')
    .select(['subnet_id', 'ip_address'])
    .where('port_id', '=', portId)
    .execute();
  await trx.deleteFrom('ip_allocations').where('port_id', '=', portId).execute();
  for (const f of freed) {
    const from = searchFrom.get(f.subnet_id);
    const value = parseIp(f.ip_address)?.value;
    if (from !== undefined && value !== undefined && value < from) searchFrom.set(f.subnet_id, value);
  }
}

/** A port's fixed IPs, in allocation order of their subnets (IPv4 first, then oldest subnet, then address). */
export async function fixedIpsOf(db: NetworkDb, portIds: readonly string[]): Promise<Map<string, FixedIp[]>> {
  const out = new Map<string, FixedIp[]>();
  if (portIds.length === 0) return out;
  // Sorted here, not by ORDER BY: nearly every port has one address, and SQLite sorting the rows of a
  // 10,000-port list cost more than sorting the few ports that have several.
  const rows = await db
    .selectFrom('ip_allocations')
    .innerJoin('subnets', 'subnets.id', 'ip_allocations.subnet_id')
    .select([
      'ip_allocations.port_id',
      'ip_allocations.subnet_id',
      'ip_allocations.ip_address',
      'subnets.ip_version',
      'subnets.created_at',
    ])
    .where('ip_allocations.port_id', 'in', portIds)
    .execute();
  const listed = new Map<string, typeof rows>();
  for (const r of rows) {
    if (r.port_id === null) continue;
    const list = listed.get(r.port_id);
    if (list) list.push(r);
    else listed.set(r.port_id, [r]);
  }
  const before = (a: (typeof rows)[number], b: (typeof rows)[number]) =>
    a.ip_version - b.ip_version ||
    (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0) ||
    (a.ip_address < b.ip_address ? -1 : a.ip_address > b.ip_address ? 1 : 0);
  for (const [portId, list] of listed) {
    if (list.length > 1) list.sort(before);
    out.set(
      portId,
      list.map((r) => ({ subnet_id: r.subnet_id, ip_address: r.ip_address })),
    );
  }
  return out;
}

/** Subnets whose service_types admit this device owner; untyped subnets when none names it. */
function forOwner(subnets: SubnetRow[], owner: string): SubnetRow[] {
  const typed = subnets.filter((s) => (JSON.parse(s.service_types) as string[]).includes(owner));
  if (typed.length) return typed;
  return subnets.filter((s) => (JSON.parse(s.service_types) as string[]).length === 0);
}

function subnetFor(subnets: SubnetRow[], networkId: string, r: FixedIpRequest): SubnetRow {
  if (r.subnet_id !== undefined) {
    const s = subnets.find((x) => x.id === r.subnet_id);
    if (!s)
      throw badRequest(
        `Invalid input for operation: Failed to create port on network ${networkId}, because fixed_ips included invalid subnet ${r.subnet_id}.`,
        'InvalidInput',
      );
    if (r.ip_address !== undefined && !validHostOf(s, r.ip_address))
      throw badRequest(`IP address ${r.ip_address} is not a valid IP for the specified subnet.`, 'InvalidIpForSubnet');
    return s;
  }
  if (r.ip_address === undefined) throw badRequest('Exceeded maximum amount of fixed ips per port.', 'InvalidInput');
  const s = subnets.find((x) => validHostOf(x, r.ip_address as string));
  if (!s)
    throw badRequest(
      `IP address ${r.ip_address} is not a valid IP for any of the subnets on the specified network.`,
      'InvalidIpForNetwork',
    );
  return s;
}

/** In the subnet, and not IPv4's network or broadcast address. */
function validHostOf(s: SubnetRow, ip: string): boolean {
  const p = parseIp(ip);
  const c = cidrOf(s.cidr);
  if (!p || !contains(c, p.version, p.value)) return false;
  if (c.version === 4 && c.prefixlen < 31) return p.value !== c.network && p.value !== lastOf(c);
  return true;
}

function slaacAddress(s: SubnetRow, mac: string): string {
  return formatIp(6, eui64(cidrOf(s.cidr), mac));
}

const ipTaken = (f: FixedIp) =>
  conflict('IpAddressAlreadyAllocated', `IP address ${f.ip_address} already allocated in subnet ${f.subnet_id}`);

/**
 * Inserts one allocation unless the address is taken. ON CONFLICT DO NOTHING instead of catching the unique
 * violation: no savepoint is needed to keep the transaction usable (two statements fewer per address, each a
 * round trip on PostgreSQL), and PostgreSQL still waits for a concurrent insert of the same address to settle.
 */
async function tryInsert(trx: NetworkDb, ctx: AllocationContext, subnet: SubnetRow, ip: string): Promise<boolean> {
  const result = await trx
    .insertInto('ip_allocations')
    .values({ subnet_id: subnet.id, ip_address: ip, network_id: ctx.networkId, port_id: ctx.portId })
    .onConflict((oc) => oc.columns(['subnet_id', 'ip_address']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

async function take(
  trx: NetworkDb,
  ctx: AllocationContext,
  subnet: SubnetRow,
  ip: string,
  auto: boolean,
): Promise<FixedIp> {
  const f = {
    subnet_id: subnet.id,
    ip_address: formatIp(subnet.ip_version as 4 | 6, (parseIp(ip) as { value: bigint }).value),
  };
  if (await tryInsert(trx, ctx, subnet, f.ip_address)) return f;
  if (auto)
    throw conflict('IpAddressAlreadyAllocated', `IP address ${f.ip_address} already allocated in subnet ${subnet.id}`);
  throw ipTaken(f);
}

/** One address from the first of `subnets` with room; Neutron's 409 when none has any. */
async function allocateAny(trx: NetworkDb, ctx: AllocationContext, subnets: SubnetRow[]): Promise<FixedIp> {
  for (const s of subnets) {
    for (let attempt = 0; attempt < 64; attempt++) {
      const candidates = await freeAddresses(trx, s, attempt === 0 ? 1 : Math.min(4 * attempt, 64));
      if (candidates.length === 0) break;
      const ip = candidates[Math.floor(Math.random() * candidates.length)];
      if (await tryInsert(trx, ctx, s, ip)) return { subnet_id: s.id, ip_address: ip };
    }
  }
  throw new ApiError(409, 'IpAddressGenerationFailure', `No more IP addresses available on network ${ctx.networkId}.`);
}

/**
 * Per subnet, an address below which this process last saw every pool address taken: the search for free
 * addresses starts there instead of reading every allocation of the subnet, which made each create cost O(ports)
 * (10,000 ports: ~10 ms a create). It is only where to look first, never a claim: the unique index still
 * arbitrates, and when nothing is free above it the whole subnet is read again, so a hole it skipped (another
 * server's delete, a bulk create rolled back) is still found before the subnet is declared full. Releases lower it.
 */
const searchFrom = new Map<string, bigint>();

/** The largest batch of candidate addresses checked in one query (well under SQLite's 32,766 parameters). */
const MAX_BATCH = 4096;

/** Up to `count` free addresses of the subnet's allocation pools, lowest first (from the search start). */
async function freeAddresses(trx: NetworkDb, s: SubnetRow, count: number): Promise<string[]> {
  const pools = await trx
    .selectFrom('subnet_allocation_pools')
    .selectAll()
    .where('subnet_id', '=', s.id)
    .orderBy('position')
    .execute();
  const from = searchFrom.get(s.id);
  let out = from === undefined ? [] : await freeAbove(trx, s, pools, from, count);
  if (out.length === 0) out = await freeByFullRead(trx, s, pools, count);
  if (out.length > 0) searchFrom.set(s.id, parseIp(out[0])?.value ?? 0n);
  return out;
}

/**
 * Walks the pools upwards from `from`, asking which of a batch of candidates are taken; the batch doubles each
 * round, so a long taken stretch (after a release far below the top) costs a few queries, not one per address.
 */
async function freeAbove(
  trx: NetworkDb,
  s: SubnetRow,
  pools: SubnetAllocationPool[],
  from: bigint,
  count: number,
): Promise<string[]> {
  const version = s.ip_version as 4 | 6;
  const out: string[] = [];
  let batch = Math.max(32, 2 * count);
  for (const p of pools) {
    const last = parseIp(p.last_ip)?.value ?? -1n;
    const first = parseIp(p.first_ip)?.value ?? 0n;
    let ip = first > from ? first : from;
    while (ip <= last && out.length < count) {
      const candidates: string[] = [];
      for (; ip <= last && candidates.length < batch; ip++) candidates.push(formatIp(version, ip));
      const taken = await trx
        .selectFrom('ip_allocations')
        .select('ip_address')
        .where('subnet_id', '=', s.id)
        .where('ip_address', 'in', candidates)
        .execute();
      const used = new Set(taken.map((t) => t.ip_address));
      for (const c of candidates) if (!used.has(c) && out.length < count) out.push(c);
      batch = Math.min(2 * batch, MAX_BATCH);
    }
    if (out.length >= count) break;
  }
  return out;
}

/** Every allocation of the subnet read at once: the first search on a subnet, and the check before "full". */
async function freeByFullRead(
  trx: NetworkDb,
  s: SubnetRow,
  pools: SubnetAllocationPool[],
  count: number,
): Promise<string[]> {
  const version = s.ip_version as 4 | 6;
  const taken = await trx.selectFrom('ip_allocations').select('ip_address').where('subnet_id', '=', s.id).execute();
  const used = new Set(taken.map((t) => parseIp(t.ip_address)?.value));
  const out: string[] = [];
  for (const p of pools) {
    const last = parseIp(p.last_ip)?.value ?? -1n;
    for (let ip = parseIp(p.first_ip)?.value ?? 0n; ip <= last && out.length < count; ip++)
      if (!used.has(ip)) out.push(formatIp(version, ip));
    if (out.length >= count) break;
  }
  return out;
}
