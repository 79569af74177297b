import type { RequestSpec } from '../clients/types.ts';

/**
 * What the filters and weighers know about one candidate host: its compute node and service rows, its
 * aggregates' metadata, its usage as Placement summarised it, and how many members of the request's server
 * group it already holds. Built by the scheduler; filters and weighers are pure functions of it.
 */
export interface HostState {
  host: string;
  node: string;
  /** The compute node's uuid, also its resource provider's. */
  uuid: string;
  service?: { disabled: number; forced_down: number; last_seen_up: string | null };
  availabilityZone: string;
  /** Metadata of the aggregates the host is in: key → every value it has across them. */
  aggregateMetadata: Record<string, string[]>;
  hypervisorType: string;
  hypervisorVersion: number;
  cpuInfo: Record<string, unknown>;
  vcpus: number;
  memoryMb: number;
  freeRamMb: number;
  freeDiskGb: number;
  /** Members of the request's server group on this host (0 without a group). */
  groupMembers: number;
}

/** What one scheduling request asks, with the facts the filters compare against. */
export interface FilterRequest {
  spec: RequestSpec;
  /** Seconds of silence after which a compute service is down (Nova's service_down_time). */
  serviceDownTime: number;
  now: number;
  /** Hosts holding members of the request's group (hard affinity / anti-affinity). */
  groupHosts: ReadonlySet<string>;
  /** Hosts of the `same_host` / `different_host` scheduler hints' servers. */
  sameHostAs?: ReadonlySet<string>;
  differentHostFrom?: ReadonlySet<string>;
}

export interface HostFilter {
  name: string;
  passes(host: HostState, req: FilterRequest): boolean;
}
