import { badRequest, conflict, notFound } from './errors.ts';
import { type Cidr, formatCidr, lastOf, overlaps, sizeOf } from './ip-math.ts';
import { cidrOf } from './subnet-rules.ts';
import type { NetworkDb, SubnetPoolRow } from './tables.ts';

/**
 * A subnet's CIDR from a subnet pool: the requested one (it must lie within the pool's prefixes) or the first free
 * block of the requested (or default) prefix length. Free means not overlapping another subnet of the pool.
 */
export async function cidrFromPool(
  trx: NetworkDb,
  pool: SubnetPoolRow,
  requested: { cidr?: string; prefixlen?: number },
): Promise<string> {
  const prefixes = (
    await trx.selectFrom('subnetpool_prefixes').select('cidr').where('subnetpool_id', '=', pool.id).execute()
  ).map((p) => cidrOf(p.cidr));
  const used = (await trx.selectFrom('subnets').select('cidr').where('subnetpool_id', '=', pool.id).execute()).map(
    (s) => cidrOf(s.cidr),
  );
  if (requested.cidr) {
    const c = cidrOf(requested.cidr);
    checkLength(pool, c.prefixlen);
    if (!prefixes.some((p) => p.network <= c.network && lastOf(c) <= lastOf(p)))
      throw badRequest(`Cannot allocate requested subnet from the available set of prefixes`, 'SubnetAllocationError');
    if (used.some((u) => overlaps(u, c)))
      throw conflict(
        'SubnetAllocationError',
        `Failed to allocate subnet: ${formatCidr(c)} overlaps an allocated subnet.`,
      );
    return formatCidr(c);
  }
  const prefixlen = requested.prefixlen ?? pool.default_prefixlen;
  checkLength(pool, prefixlen);
  for (const p of prefixes) {
    if (p.prefixlen > prefixlen) continue;
    const step = 1n << BigInt((pool.ip_version === 4 ? 32 : 128) - prefixlen);
    for (let n = p.network; n + step - 1n <= lastOf(p); ) {
      const candidate: Cidr = { version: p.version, network: n, prefixlen };
      const clash = used.find((u) => overlaps(u, candidate));
      if (!clash) return formatCidr(candidate);
      // Jump past the allocated block, keeping alignment.
      const next = lastOf(clash) + 1n;
      n = next > n ? ((next + step - 1n) / step) * step : n + step;
    }
  }
  throw conflict(
    'SubnetAllocationError',
    `Failed to allocate subnet: Insufficient prefix space to allocate subnet size /${prefixlen}.`,
  );
}

function checkLength(pool: SubnetPoolRow, prefixlen: number): void {
  if (prefixlen < pool.min_prefixlen || prefixlen > pool.max_prefixlen)
    throw badRequest(
      `Illegal prefix bounds: prefixlen=${prefixlen}, min_prefixlen=${pool.min_prefixlen}, max_prefixlen=${pool.max_prefixlen}.`,
      'IllegalSubnetPoolPrefixBounds',
    );
}

/** The pool a subnet names (visible to the caller's project or shared), or the default pool of its IP version. */
export async function poolFor(
  trx: NetworkDb,
  projectId: string,
  isAdmin: boolean,
  poolId: string | null | undefined,
  useDefault: boolean,
  ipVersion: number,
): Promise<SubnetPoolRow | undefined> {
  if (poolId) {
    const pool = await trx.selectFrom('subnetpools').selectAll().where('id', '=', poolId).executeTakeFirst();
    if (!pool || !(isAdmin || pool.shared || pool.project_id === projectId)) throw notFound('subnetpool', poolId);
    if (pool.ip_version !== ipVersion)
      throw badRequest(
        `Invalid input for operation: Cannot allocate IPv${ipVersion} subnet from IPv${pool.ip_version} subnet pool.`,
        'InvalidInput',
      );
    return pool;
  }
  if (!useDefault) return undefined;
  const pool = await trx
    .selectFrom('subnetpools')
    .selectAll()
    .where('is_default', '=', 1)
    .where('ip_version', '=', ipVersion)
    .executeTakeFirst();
  if (!pool) throw badRequest(`No default subnetpool found for IPv${ipVersion}`, 'BadRequest');
  return pool;
}

export const totalAddresses = (cidrs: string[]): bigint => cidrs.reduce((acc, c) => acc + sizeOf(cidrOf(c)), 0n);
