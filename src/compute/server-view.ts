import { createHash } from 'node:crypto';
import type { NetworkInfo } from './clients/types.ts';
import type { ComputeDeps } from './deps.ts';
import { statusOf } from './instance-state.ts';
import { metadataOf, serverGroupsOf, systemMetadataOf, tagsOf, volumesOf } from './instance-store.ts';
import type { Microversion } from './microversion.ts';
import { serviceIsUp } from './service-liveness.ts';
import type { FlavorSnapshot, InstanceRow } from './tables.ts';

/**
 * What a view needs beyond the row: links, the caller's view rights, and the instance's related rows (loaded in
 * bulk for lists by `loadViewContext`).
 */
export interface ServerViewContext {
  /** Absolute URL under /compute ('/v2.1/servers/x'). */
  url(path: string): string;
  isAdmin: boolean;
  /** os_compute_api:os-extended-server-attributes */
  showExtendedAttrs: boolean;
  /** 'all' (show:host_status), 'unknown-only', or undefined (not shown). */
  hostStatus?: 'all' | 'unknown-only';
  metadata: Map<string, Record<string, string>>;
  systemMetadata: Map<string, Record<string, string>>;
  tags: Map<string, string[]>;
  volumes: Map<string, { id: string; delete_on_termination: boolean }[]>;
  /** Host name → UP / DOWN / MAINTENANCE / UNKNOWN. */
  hostStatuses: Map<string, string>;
  /** Only for show, update and rebuild (2.71). */
  serverGroups?: Map<string, string[]>;
  /** The zone of hosts in no zone-bearing aggregate (what a scheduled server without a requested zone is in). */
  defaultAz?: string;
}

/**
 * 'show' is GET /servers/{id} and each item of /servers/detail; 'basic' is the answer of PUT and rebuild before
 * 2.75 (Nova leaves out the extension attributes there; rebuild shows key_name from 2.54); 'index' is an item of
 * GET /servers.
 */
export type ServerViewKind = 'show' | 'detail' | 'basic' | 'rebuild' | 'index';

/** The system metadata key where the server's security group names are kept (Nova asks Neutron instead). */
export const SECURITY_GROUPS_KEY = 'strata_security_groups';
export const TRUSTED_CERTS_KEY = 'strata_trusted_certs';

const FAULT_STATUSES = new Set(['ERROR', 'DELETED']);
const PROGRESS_STATUSES = new Set(['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING']);

/** Nova's isotime: seconds precision with a Z. */
export const isoTime = (t: string | null): string | null => (t ? `${new Date(t).toISOString().slice(0, 19)}Z` : null);
/** OS-SRV-USG timestamps are Python's str() of a naive datetime with microseconds. */
const usageTime = (t: string | null): string | null =>
  t ? `${new Date(t).toISOString().slice(0, 19)}.${new Date(t).toISOString().slice(20, 23)}000` : null;

export const serverLinks = (ctx: Pick<ServerViewContext, 'url'>, uuid: string) => [
  { rel: 'self', href: ctx.url(`/v2.1/servers/${uuid}`) },
  { rel: 'bookmark', href: ctx.url(`/servers/${uuid}`) },
];

export const flavorOf = (row: Pick<InstanceRow, 'flavor'>): FlavorSnapshot => JSON.parse(row.flavor);
export const networkInfoOf = (row: Pick<InstanceRow, 'info_cache'>): NetworkInfo => JSON.parse(row.info_cache || '[]');

/** Nova's hostId: sha224 of project id and host, so tenants can tell co-located servers apart without the name. */
export const hostIdOf = (projectId: string, host: string | null): string =>
  host
    ? createHash('sha224')
        .update(projectId + host)
        .digest('hex')
    : '';

/** `{label: [{version, addr, OS-EXT-IPS:type, OS-EXT-IPS-MAC:mac_addr}]}` from the cached network info. */
export function addressesOf(info: NetworkInfo, extended: boolean): Record<string, Record<string, unknown>[]> {
  const byLabel = new Map<string, { fixed: Record<string, unknown>[]; floating: Record<string, unknown>[] }>();
  for (const vif of info) {
    const label = vif.network.label;
    const entry = byLabel.get(label) ?? { fixed: [], floating: [] };
    byLabel.set(label, entry);
    const address = (addr: string, version: number, type: string) =>
      extended ? { version, addr, 'OS-EXT-IPS:type': type, 'OS-EXT-IPS-MAC:mac_addr': vif.address } : { version, addr };
    for (const ip of vif.fixed_ips) entry.fixed.push(address(ip.ip_address, ip.version, 'fixed'));
    for (const fip of vif.floating_ips ?? [])
      entry.floating.push(address(fip.floating_ip_address, fip.floating_ip_address.includes(':') ? 6 : 4, 'floating'));
  }
  return Object.fromEntries([...byLabel].map(([label, e]) => [label, [...e.fixed, ...e.floating]]));
}

/** Nova's instance name on the hypervisor (`instance-%08x` of its integer id; ours comes from the uuid). */
export const instanceNameOf = (uuid: string): string => `instance-${uuid.replaceAll('-', '').slice(0, 8)}`;

/** One server as Nova's view builder shows it at microversion `mv`. */
export function serverView(
  row: InstanceRow,
  mv: Microversion,
  ctx: ServerViewContext,
  detail: ServerViewKind,
): Record<string, unknown> {
  const links = serverLinks(ctx, row.uuid);
  if (detail === 'index') return { id: row.uuid, links, name: row.display_name };
  const full = (detail !== 'basic' && detail !== 'rebuild') || mv.atLeast('2.75');
  const status = statusOf(row.vm_state, row.task_state);
  const flavor = flavorOf(row);
  const sys = ctx.systemMetadata.get(row.uuid) ?? {};
  const info = networkInfoOf(row);
  const server: Record<string, unknown> = {
    id: row.uuid,
    name: row.display_name,
    status,
    tenant_id: row.project_id,
    user_id: row.user_id,
    metadata: ctx.metadata.get(row.uuid) ?? {},
    hostId: hostIdOf(row.project_id, row.host),
    image: row.image_ref
      ? { id: row.image_ref, links: [{ rel: 'bookmark', href: ctx.url(`/images/${row.image_ref}`) }] }
      : '',
    flavor: mv.atLeast('2.47')
      ? {
          vcpus: flavor.vcpus,
          ram: flavor.memory_mb,
          disk: flavor.root_gb,
          ephemeral: flavor.ephemeral_gb,
          swap: flavor.swap,
          original_name: flavor.name,
          extra_specs: flavor.extra_specs ?? {},
        }
      : { id: flavor.id, links: [{ rel: 'bookmark', href: ctx.url(`/flavors/${flavor.id}`) }] },
    created: isoTime(row.created_at),
    updated: isoTime(row.updated_at ?? row.created_at),
    // Nova hides the addresses while the server builds.
    addresses: row.vm_state === 'building' ? {} : addressesOf(info, full),
    accessIPv4: row.access_ip_v4 ?? '',
    accessIPv6: row.access_ip_v6 ?? '',
    links,
    'OS-DCF:diskConfig': row.disk_config === 'AUTO' ? 'AUTO' : 'MANUAL',
  };
  if (FAULT_STATUSES.has(status) && row.fault) {
    const f = JSON.parse(row.fault) as { code: number; message: string; details?: string; created?: string };
    const fault: Record<string, unknown> = {
      code: f.code,
      created: isoTime(f.created ?? row.updated_at ?? row.created_at),
      message: f.message,
    };
    if (f.details && (ctx.isAdmin || f.code !== 500)) fault.details = f.details;
    server.fault = fault;
  }
  if (PROGRESS_STATUSES.has(status)) server.progress = row.progress ?? 0;
  if (full) {
    server['OS-EXT-AZ:availability_zone'] = row.availability_zone ?? (row.host ? (ctx.defaultAz ?? '') : '');
    server.config_drive = row.config_drive;
    server.key_name = row.key_name;
    server['OS-SRV-USG:launched_at'] = usageTime(row.launched_at);
    server['OS-SRV-USG:terminated_at'] = usageTime(row.terminated_at);
    const groups = sys[SECURITY_GROUPS_KEY];
    // Nova leaves the key out when the server's ports have no groups (or it has no ports).
    const names = info.length > 0 && groups ? (JSON.parse(groups) as string[]) : [];
    if (names.length > 0) server.security_groups = names.map((name) => ({ name }));
    if (ctx.showExtendedAttrs) {
      server['OS-EXT-SRV-ATTR:host'] = row.host;
      server['OS-EXT-SRV-ATTR:instance_name'] = instanceNameOf(row.uuid);
      server['OS-EXT-SRV-ATTR:hypervisor_hostname'] = row.node;
      if (mv.atLeast('2.3')) {
        server['OS-EXT-SRV-ATTR:reservation_id'] = row.reservation_id;
        server['OS-EXT-SRV-ATTR:launch_index'] = row.launch_index;
        server['OS-EXT-SRV-ATTR:hostname'] = row.hostname;
        server['OS-EXT-SRV-ATTR:kernel_id'] = row.kernel_id;
        server['OS-EXT-SRV-ATTR:ramdisk_id'] = row.ramdisk_id;
        server['OS-EXT-SRV-ATTR:root_device_name'] = row.root_device_name;
        // Rebuild answers user_data at the top level instead (2.57).
        if (detail !== 'rebuild') server['OS-EXT-SRV-ATTR:user_data'] = row.user_data;
      }
    }
    server['OS-EXT-STS:task_state'] = row.task_state;
    server['OS-EXT-STS:vm_state'] = row.vm_state;
    server['OS-EXT-STS:power_state'] = row.power_state;
    server['os-extended-volumes:volumes_attached'] = (ctx.volumes.get(row.uuid) ?? []).map((v) =>
      mv.atLeast('2.3') ? { id: v.id, delete_on_termination: v.delete_on_termination } : { id: v.id },
    );
    if (mv.atLeast('2.16') && ctx.hostStatus) {
      const hs = row.host ? (ctx.hostStatuses.get(row.host) ?? 'UNKNOWN') : '';
      if (ctx.hostStatus === 'all' || hs === 'UNKNOWN') server.host_status = hs;
    }
  }
  if (!full && detail === 'rebuild' && mv.atLeast('2.54')) server.key_name = row.key_name;
  if (mv.atLeast('2.9')) server.locked = row.locked === 1;
  if (mv.atLeast('2.73')) server.locked_reason = row.locked_reason;
  if (mv.atLeast('2.19')) server.description = row.display_description;
  if (mv.atLeast('2.26')) server.tags = ctx.tags.get(row.uuid) ?? [];
  if (mv.atLeast('2.63')) {
    const certs = sys[TRUSTED_CERTS_KEY];
    server.trusted_image_certificates = certs ? JSON.parse(certs) : null;
  }
  if (mv.atLeast('2.90') && !(full && ctx.showExtendedAttrs)) server['OS-EXT-SRV-ATTR:hostname'] = row.hostname;
  if (ctx.serverGroups && mv.atLeast('2.71')) server.server_groups = ctx.serverGroups.get(row.uuid) ?? [];
  return server;
}

/** Loads what the views of `rows` need in a few queries (one per related table). */
export async function loadViewContext(
  deps: ComputeDeps,
  rows: InstanceRow[],
  rights: { isAdmin: boolean; showExtendedAttrs: boolean; hostStatus?: 'all' | 'unknown-only'; withGroups?: boolean },
): Promise<ServerViewContext> {
  const uuids = rows.map((r) => r.uuid);
  const [metadata, systemMetadata, tags, volumes] = await Promise.all([
    metadataOf(deps.db, uuids),
    systemMetadataOf(deps.db, uuids),
    tagsOf(deps.db, uuids),
    volumesOf(deps.db, uuids),
  ]);
  const hostStatuses = new Map<string, string>();
  const hosts = [...new Set(rows.map((r) => r.host).filter((h): h is string => !!h))];
  if (rights.hostStatus && hosts.length > 0) {
    const services = await deps.db
      .selectFrom('compute_services')
      .selectAll()
      .where('binary', '=', 'nova-compute')
      .where('host', 'in', hosts)
      .execute();
    for (const s of services) {
      const status = s.forced_down
        ? 'DOWN'
        : s.disabled
          ? 'MAINTENANCE'
          : serviceIsUp(s, deps.config.compute.serviceDownTime)
            ? 'UP'
            : 'UNKNOWN';
      hostStatuses.set(s.host, status);
    }
  }
  let serverGroups: Map<string, string[]> | undefined;
  if (rights.withGroups) {
    serverGroups = new Map();
    for (const uuid of uuids) serverGroups.set(uuid, await serverGroupsOf(deps.db, uuid));
  }
  return {
    url: deps.url,
    isAdmin: rights.isAdmin,
    showExtendedAttrs: rights.showExtendedAttrs,
    hostStatus: rights.hostStatus,
    metadata,
    systemMetadata,
    tags,
    volumes,
    hostStatuses,
    serverGroups,
    defaultAz: deps.config.compute.defaultAvailabilityZone,
  };
}
