import type { InstanceSpec, Vif } from '../drivers/hypervisor.ts';

/**
 * How Compute reaches the other services: over their HTTP APIs, never their tables. Calls made for a user carry
 * the user's token (so visibility is the user's) plus the compute service token; background calls (the
 * conductor, agents' reports) use the service token alone. Implemented in clients/image.ts, clients/network.ts
 * and placement-client.ts; src/core/service-client.ts holds the token handling they share.
 */

/** Whose token a call carries: the caller's (API time) or none (the service token alone). */
export interface CallerToken {
  token?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: answers are JSON the caller narrows.
export interface ServiceAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** The subset of a Glance v2 image Compute reads. */
export interface GlanceImage {
  id: string;
  name: string | null;
  status: string;
  visibility: string;
  owner: string | null;
  size: number | null;
  min_ram: number;
  min_disk: number;
  disk_format: string | null;
  container_format: string | null;
  created_at: string;
  updated_at: string;
  /** Every other key: user properties (hw_*, os_*, kernel_id, ...). */
  [property: string]: unknown;
}

export interface ImageClient {
  /** undefined when the caller cannot see it (404). */
  show(caller: CallerToken, id: string): Promise<GlanceImage | undefined>;
  /** Creates the queued snapshot record for createImage / shelve. */
  createSnapshot(caller: CallerToken, body: Record<string, unknown>): Promise<GlanceImage>;
  delete(caller: CallerToken, id: string): Promise<void>;
  /** The URL an agent PUTs snapshot bytes to. */
  fileUrl(id: string): string;
  /** A raw call under /image (the compute /images proxy of microversions ≤ 2.35). */
  request(caller: CallerToken, method: string, path: string, body?: unknown): Promise<ServiceAnswer>;
}

/** One entry of `networks` in a create request, resolved against Networking at API time. */
export interface RequestedNetwork {
  network_id?: string;
  port_id?: string;
  fixed_ip?: string;
  tag?: string;
}

/** What create asked for: explicit entries, 'auto' (get-me-a-network) or 'none'. */
export type NetworkRequest = RequestedNetwork[] | 'auto' | 'none';

export interface ResolvedNetworks {
  /** Entries with network ids filled in (a port's network), ready for allocatePorts. */
  requested: RequestedNetwork[];
  /** Security group ids the names in the request resolved to. */
  securityGroupIds: string[];
}

/** Nova's network info: one VIF per port with its addresses and floating IPs. */
export interface NetworkInfoEntry extends Vif {
  /** Floating IPs of each fixed IP. */
  floating_ips: { floating_ip_address: string; fixed_ip_address: string }[];
  /** True when Compute created the port (deleted with the server); false for a user's port (unbound). */
  preserve_on_delete: boolean;
  /** Neutron port status ('ACTIVE' once the host's network agent wired it). */
  status: string;
  tag?: string | null;
}
export type NetworkInfo = NetworkInfoEntry[];

export interface NetworkClient {
  /**
   * Checks the requested networks, ports and fixed IPs and the security group names as the caller sees them:
   * Nova's 400 `Network <id> could not be found.`, 409 `Port <id> is still in use.`, ...
   */
  validateRequested(
    caller: CallerToken & { projectId: string },
    requested: NetworkRequest,
    securityGroups: string[],
  ): Promise<ResolvedNetworks>;
  /** Creates (or binds) the instance's ports on `host`; returns the network info to cache. */
  allocatePorts(
    instance: { uuid: string; project_id: string; availability_zone: string | null; hostname: string },
    resolved: ResolvedNetworks,
    host: string,
  ): Promise<NetworkInfo>;
  /** Re-binds every port of the instance to `host` (resize, migrate, unshelve). */
  bindPorts(instanceUuid: string, host: string): Promise<NetworkInfo>;
  /** Deletes the ports Compute created and unbinds the user's own. */
  deallocatePorts(instanceUuid: string, info: NetworkInfo): Promise<void>;
  /** Current network info of an instance, read from Networking. */
  networkInfo(instanceUuid: string): Promise<NetworkInfo>;
  /** A raw call under /networking (os-security-groups, os-floating-ips, os-interface). */
  request(caller: CallerToken, method: string, path: string, body?: unknown): Promise<ServiceAnswer>;
}

/** Placement's amounts by resource class: `{ VCPU: 1, MEMORY_MB: 512, DISK_GB: 1 }`. */
export type Resources = Record<string, number>;

export interface AllocationCandidate {
  /** The resource provider uuid (a compute node's uuid). */
  provider: string;
  allocations: Record<string, { resources: Resources }>;
}

export interface PlacementClient {
  /** GET /allocation_candidates for one server's resources (and required traits / aggregates). */
  candidates(req: {
    resources: Resources;
    required?: string[];
    forbidden?: string[];
    memberOf?: string[];
    limit?: number;
  }): Promise<AllocationCandidate[]>;
  /** PUT /allocations/{consumer}; false on a conflict (capacity gone or generation moved): try the next host. */
  claim(
    consumer: string,
    allocations: AllocationCandidate['allocations'],
    owner: { project_id: string; user_id: string },
  ): Promise<boolean>;
  /** POST /allocations: moves the consumer's allocations to `to` (the migration uuid holds the old ones). */
  move(from: string, to: string, owner: { project_id: string; user_id: string }): Promise<void>;
  /** DELETE /allocations/{consumer}; a missing consumer is not an error. */
  release(consumer: string): Promise<void>;
  /** Ensures the host's provider exists with this inventory, traits and aggregates. */
  reportHost(host: {
    uuid: string;
    name: string;
    inventory: Record<string, { total: number; reserved?: number; allocation_ratio?: number; max_unit?: number }>;
    traits: string[];
    aggregates?: string[];
  }): Promise<void>;
}

/** What one instance's build needs; kept in request_specs for reschedules, resize, unshelve. */
export interface RequestSpec {
  instance_uuid: string;
  project_id: string;
  user_id: string;
  flavor: InstanceSpec['flavor'] & { id: string };
  image: InstanceSpec['image'];
  availability_zone: string | null;
  /** Forced host / node (`az:host:node` or 2.74 `host`). */
  requested_host?: string | null;
  requested_node?: string | null;
  scheduler_hints: Record<string, unknown>;
  /** The server group the instance is in (policy and rules, for the affinity filters). */
  group?: { id: string; policy: string; rules: Record<string, unknown> } | null;
  networks: ResolvedNetworks;
  /** Hosts already tried (reschedules skip them). */
  ignore_hosts: string[];
  num_attempts: number;
}
