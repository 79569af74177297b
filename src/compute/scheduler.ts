import type { Kysely } from 'kysely';
import type { RequestSpec, Resources } from './clients/types.ts';
import type { ComputeDeps } from './deps.ts';
import { availabilityZoneFilter } from './filters/availability-zone-filter.ts';
import { computeCapabilitiesFilter } from './filters/compute-capabilities-filter.ts';
import { computeFilter } from './filters/compute-filter.ts';
import { differentHostFilter, hintUuids, sameHostFilter } from './filters/host-hint-filters.ts';
import type { FilterRequest, HostFilter, HostState } from './filters/host-state.ts';
import { imagePropertiesFilter } from './filters/image-properties-filter.ts';
import { ignoreHostsFilter, requestedHostFilter } from './filters/requested-host-filter.ts';
import { serverGroupAffinityFilter, serverGroupAntiAffinityFilter } from './filters/server-group-filters.ts';
import { parseJson } from './instance-cas.ts';
import type { SummarisedCandidate } from './placement-client.ts';
import type { ComputeTables } from './tables.ts';
import { weighHosts } from './weighers.ts';

/** In the order Nova's default enabled_filters run them (the cheap service checks first). */
export const FILTERS: HostFilter[] = [
  computeFilter,
  availabilityZoneFilter,
  requestedHostFilter,
  ignoreHostsFilter,
  imagePropertiesFilter,
  computeCapabilitiesFilter,
  serverGroupAffinityFilter,
  serverGroupAntiAffinityFilter,
  sameHostFilter,
  differentHostFilter,
];

/** Nova's max_placement_results. */
const CANDIDATE_LIMIT = 1000;

/** What Placement is asked for: the flavor's VCPU, MEMORY_MB and DISK_GB (root + ephemeral + swap in GiB, up). */
export function resourcesOf(flavor: RequestSpec['flavor']): Resources {
  return {
    VCPU: flavor.vcpus,
    MEMORY_MB: flavor.memory_mb,
    DISK_GB: flavor.root_gb + flavor.ephemeral_gb + Math.ceil((flavor.swap ?? 0) / 1024),
  };
}

export function filterHosts(hosts: HostState[], req: FilterRequest, filters: HostFilter[] = FILTERS): HostState[] {
  return hosts.filter((h) => filters.every((f) => f.passes(h, req)));
}

/** Hosts holding members of the group other than `self`, with how many each holds. */
export async function groupMemberHosts(
  db: Kysely<ComputeTables>,
  groupId: string | undefined,
  self: string,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!groupId) return out;
  const rows = await db
    .selectFrom('server_group_members as m')
    .innerJoin('instances as i', 'i.uuid', 'm.instance_uuid')
    .select('i.host')
    .where('m.group_id', '=', groupId)
    .where('i.deleted', '=', 0)
    .where('i.uuid', '!=', self)
    .where('i.host', 'is not', null)
    .execute();
  for (const r of rows) if (r.host) out.set(r.host, (out.get(r.host) ?? 0) + 1);
  return out;
}

/** The hosts the given servers are on (for the same_host / different_host hints). */
async function hostsOfServers(db: Kysely<ComputeTables>, uuids: string[]): Promise<Set<string>> {
  if (uuids.length === 0) return new Set();
  const rows = await db
    .selectFrom('instances')
    .select('host')
    .where('uuid', 'in', uuids)
    .where('deleted', '=', 0)
    .where('host', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.host).filter((h): h is string => !!h));
}

/** The host state of every candidate provider that is a compute node here. */
export async function loadHostStates(
  deps: Pick<ComputeDeps, 'db' | 'config'>,
  candidates: SummarisedCandidate[],
  members: Map<string, number>,
): Promise<HostState[]> {
  const uuids = candidates.map((c) => c.provider);
  if (uuids.length === 0) return [];
  const nodes = await deps.db
    .selectFrom('compute_nodes as n')
    .leftJoin('compute_services as s', 's.id', 'n.service_id')
    .select([
      'n.uuid',
      'n.host',
      'n.hypervisor_hostname',
      'n.hypervisor_type',
      'n.hypervisor_version',
      'n.cpu_info',
      'n.vcpus',
      'n.memory_mb',
      'n.free_ram_mb',
      'n.free_disk_gb',
      's.disabled',
      's.forced_down',
      's.last_seen_up',
    ])
    .where('n.uuid', 'in', uuids)
    .execute();
  const hosts = [...new Set(nodes.map((n) => n.host))];
  const metadata = hosts.length
    ? await deps.db
        .selectFrom('aggregate_hosts as h')
        .innerJoin('aggregate_metadata as m', 'm.aggregate_id', 'h.aggregate_id')
        .select(['h.host', 'm.key', 'm.value'])
        .where('h.host', 'in', hosts)
        .execute()
    : [];
  const summaries = new Map(candidates.map((c) => [c.provider, c.summary]));
  return nodes.map((n) => {
    const aggregateMetadata: Record<string, string[]> = {};
    for (const m of metadata) {
      if (m.host !== n.host) continue;
      aggregateMetadata[m.key] = [...(aggregateMetadata[m.key] ?? []), m.value];
    }
    const ram = summaries.get(n.uuid)?.MEMORY_MB;
    return {
      host: n.host,
      node: n.hypervisor_hostname,
      uuid: n.uuid,
      service:
        n.disabled === null
          ? undefined
          : { disabled: n.disabled, forced_down: n.forced_down ?? 0, last_seen_up: n.last_seen_up ?? null },
      availabilityZone: aggregateMetadata.availability_zone?.[0] ?? deps.config.compute.defaultAvailabilityZone,
      aggregateMetadata,
      hypervisorType: n.hypervisor_type,
      hypervisorVersion: n.hypervisor_version,
      cpuInfo: parseJson<Record<string, unknown>>(n.cpu_info, {}),
      vcpus: n.vcpus,
      memoryMb: n.memory_mb,
      freeRamMb: ram ? ram.capacity - ram.used : n.free_ram_mb,
      freeDiskGb: n.free_disk_gb,
      groupMembers: members.get(n.host) ?? 0,
    };
  });
}

export interface Destination {
  host: string;
  node: string;
  /** The resource provider the claim is on. */
  provider: string;
  /** The host's zone, which a server booted into no zone takes (as Nova's conductor sets it). */
  availabilityZone: string;
}

/** Fisher–Yates, so equal hosts are tried in a different order by each build. */
function shuffle<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const groupQueues = new Map<string, Promise<unknown>>();

/**
 * Members of one server group are placed one at a time, so two concurrent builds of an anti-affinity group
 * cannot both pick the same free host before either has it recorded.
 */
async function serialisedByGroup<T>(groupId: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!groupId) return work();
  const before = groupQueues.get(groupId) ?? Promise.resolve();
  const mine = before.then(work, work);
  const tail = mine.catch(() => {});
  groupQueues.set(groupId, tail);
  try {
    return await mine;
  } finally {
    if (groupQueues.get(groupId) === tail) groupQueues.delete(groupId);
  }
}

/**
 * Nova's select_destinations followed by the claim: Placement's candidates for the flavor, the filters, the
 * weighers, then a claim on the best host (the next one when the claim conflicts). `record(dest)` runs while
 * the group is still serialised, so the chosen host is written before the next member is placed.
 */
export async function scheduleAndClaim(
  deps: Pick<ComputeDeps, 'db' | 'config' | 'placement' | 'log'>,
  spec: RequestSpec,
  opts: {
    consumer: string;
    resources?: Resources;
    record?: (dest: Destination) => Promise<void>;
  },
): Promise<Destination | undefined> {
  return serialisedByGroup(spec.group?.id, async () => {
    const candidates = (await deps.placement.candidates({
      resources: opts.resources ?? resourcesOf(spec.flavor),
      limit: CANDIDATE_LIMIT,
    })) as SummarisedCandidate[];
    const members = await groupMemberHosts(deps.db, spec.group?.id, spec.instance_uuid);
    const req: FilterRequest = {
      spec,
      serviceDownTime: deps.config.compute.serviceDownTime,
      now: Date.now(),
      groupHosts: new Set(members.keys()),
      sameHostAs: await hostsOfServers(deps.db, hintUuids(spec.scheduler_hints?.same_host)),
      differentHostFrom: await hostsOfServers(deps.db, hintUuids(spec.scheduler_hints?.different_host)),
    };
    const hosts = filterHosts(await loadHostStates(deps, candidates, members), req);
    const byProvider = new Map(candidates.map((c) => [c.provider, c]));
    for (const { host } of weighHosts(shuffle(hosts), req)) {
      const candidate = byProvider.get(host.uuid);
      if (!candidate) continue;
      const claimed = await deps.placement.claim(opts.consumer, candidate.allocations, {
        project_id: spec.project_id,
        user_id: spec.user_id,
      });
      if (!claimed) {
        deps.log.info({ instance: spec.instance_uuid, host: host.host }, 'claim conflicted, trying the next host');
        continue;
      }
      const dest = { host: host.host, node: host.node, provider: host.uuid, availabilityZone: host.availabilityZone };
      await opts.record?.(dest);
      return dest;
    }
    deps.log.info(
      { instance: spec.instance_uuid, candidates: candidates.length, passed: hosts.length },
      'no valid host',
    );
    return undefined;
  });
}
