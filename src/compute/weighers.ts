import type { FilterRequest, HostState } from './filters/host-state.ts';

/**
 * Nova's weighers: each gives every host a raw value, values are normalised to 0..1 across the hosts, then
 * multiplied and summed; the host with the highest total wins.
 */
export interface HostWeigher {
  name: string;
  multiplier: number;
  raw(host: HostState, req: FilterRequest): number;
}

/** RAMWeigher: spread, the host with the most free RAM first. */
export const ramWeigher: HostWeigher = { name: 'RAMWeigher', multiplier: 1, raw: (h) => h.freeRamMb };

/**
 * Both soft-group weighers count twice the RAM weigher (Nova's multipliers are 1.0 each): normalised free RAM
 * spans 0..1 even when hosts differ by one small server, which would otherwise tie with one group member.
 */
const SOFT_GROUP_MULTIPLIER = 2;

/** ServerGroupSoftAffinityWeigher: more members of a soft-affinity group on the host is better. */
export const softAffinityWeigher: HostWeigher = {
  name: 'ServerGroupSoftAffinityWeigher',
  multiplier: SOFT_GROUP_MULTIPLIER,
  raw: (h, req) => (req.spec.group?.policy === 'soft-affinity' ? h.groupMembers : 0),
};

/** ServerGroupSoftAntiAffinityWeigher: fewer members of a soft-anti-affinity group on the host is better. */
export const softAntiAffinityWeigher: HostWeigher = {
  name: 'ServerGroupSoftAntiAffinityWeigher',
  multiplier: SOFT_GROUP_MULTIPLIER,
  raw: (h, req) => (req.spec.group?.policy === 'soft-anti-affinity' ? -h.groupMembers : 0),
};

export const DEFAULT_WEIGHERS: HostWeigher[] = [ramWeigher, softAffinityWeigher, softAntiAffinityWeigher];

/** Values scaled to 0..1 (all 0 when they are all equal), as Nova's normalize. */
export function normalize(values: number[]): number[] {
  if (values.length === 0) return [];
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (max === min) return values.map(() => 0);
  return values.map((v) => (v - min) / (max - min));
}

/**
 * The hosts best first. Ties keep the order they came in, which the scheduler shuffles, so concurrent builds
 * of equal hosts do not all pick the first one.
 */
export function weighHosts(
  hosts: HostState[],
  req: FilterRequest,
  weighers: HostWeigher[] = DEFAULT_WEIGHERS,
): { host: HostState; weight: number }[] {
  const totals = hosts.map(() => 0);
  for (const w of weighers) {
    const scaled = normalize(hosts.map((h) => w.raw(h, req)));
    scaled.forEach((s, i) => {
      totals[i] += s * w.multiplier;
    });
  }
  return hosts
    .map((host, i) => ({ host, weight: totals[i], i }))
    .sort((a, b) => b.weight - a.weight || a.i - b.i)
    .map(({ host, weight }) => ({ host, weight }));
}
