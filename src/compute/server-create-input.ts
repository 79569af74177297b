import { isIP } from 'node:net';
import type { NetworkRequest, RequestedNetwork } from './clients/types.ts';
import { badRequest } from './errors.ts';
import type { Microversion } from './microversion.ts';
import { asBool, isUuidLike } from './server-create-schema.ts';

/** A create body after its schema passed: the fields the lookups and the insert need, in Nova's terms. */
export interface CreateInput {
  name: string;
  imageId: string;
  flavorId: string;
  adminPass?: string;
  metadata: Record<string, string>;
  /** undefined: not given (before 2.37, "every network the project may use"). */
  networks?: NetworkRequest;
  securityGroups: string[];
  diskConfig: 'AUTO' | 'MANUAL';
  accessIPv4: string | null;
  accessIPv6: string | null;
  availabilityZone: string | null;
  forcedHost: string | null;
  forcedNode: string | null;
  requestedHost: string | null;
  requestedNode: string | null;
  keyName: string | null;
  userData: string | null;
  configDrive: boolean;
  minCount: number;
  maxCount: number;
  returnReservationId: boolean;
  description: string | null;
  tags: string[];
  trustedCerts: string[] | null;
  hostname: string | null;
  hints: Record<string, unknown>;
  /** Injected files (≤ 2.56), checked against the injected_* quotas. */
  personality: { path: string; contents: string }[];
  /** block_device_mapping_v2 as given. */
  blockDevices: Record<string, unknown>[];
}

/** The id at the end of a reference that may be a URL (`http://.../flavors/42` → `42`), as Nova accepts both. */
export const idOfRef = (ref: string | number): string => String(ref).split('/').pop() ?? '';

// biome-ignore lint/suspicious/noExplicitAny: the body already passed its schema.
export function parseCreateInput(body: any, mv: Microversion): CreateInput {
  const s = body.server;
  const name = String(s.name);
  if (name.trim() !== name || name.trim() === '')
    throw badRequest(
      `Invalid input for field/attribute name. Value: ${name}. '${name}' does not match the name pattern`,
    );
  const descriptionDefault = mv.atLeast('2.19') ? null : name;
  const minCount = Number(s.min_count ?? 1);
  const maxCount = Number(s.max_count ?? minCount);
  if (minCount > maxCount) throw badRequest('min_count must be <= max_count');
  const { az, host, node } = splitZone(s.availability_zone);
  const userData = s.user_data ?? null;
  if (userData !== null && !isBase64(userData)) throw badRequest('User data needs to be valid base 64.');
  const blockDevices = (s.block_device_mapping_v2 ?? []) as Record<string, unknown>[];
  const personality = (s.personality ?? []) as { path: string; contents: string }[];
  for (const file of personality)
    if (!isBase64(file.contents)) throw badRequest(`Personality content for ${file.path} cannot be decoded`);
  let imageId = s.imageRef === undefined ? '' : idOfRef(s.imageRef);
  if (!imageId && blockDevices.length > 0) {
    const boot = blockDevices.find((b) => String(b.boot_index ?? '') === '0');
    if (boot && boot.source_type === 'image' && typeof boot.uuid === 'string') imageId = boot.uuid;
  }
  if (s.imageRef !== undefined && s.imageRef !== '' && !isUuidLike(imageId))
    throw badRequest('Invalid imageRef provided.');
  if (!imageId && blockDevices.length === 0) throw badRequest('Missing imageRef attribute');
  if (s.hostname !== undefined && maxCount > 1)
    throw badRequest('Unable to allocate a single hostname to multiple instances');
  return {
    name,
    imageId,
    flavorId: idOfRef(s.flavorRef),
    adminPass: s.adminPass,
    metadata: s.metadata ?? {},
    networks: networksOf(s.networks, maxCount),
    securityGroups: [...new Set<string>((s.security_groups ?? []).map((g: { name: string }) => g.name))],
    diskConfig: s['OS-DCF:diskConfig'] ?? 'MANUAL',
    accessIPv4: s.accessIPv4 ?? null,
    accessIPv6: s.accessIPv6 === undefined ? null : canonicalIpv6(s.accessIPv6),
    availabilityZone: az,
    forcedHost: host,
    forcedNode: node,
    requestedHost: s.host ?? null,
    requestedNode: s.hypervisor_hostname ?? null,
    keyName: s.key_name ?? null,
    userData,
    configDrive:
      s.config_drive !== undefined && s.config_drive !== null && s.config_drive !== '' && asBool(s.config_drive),
    minCount,
    maxCount,
    returnReservationId: s.return_reservation_id !== undefined && asBool(s.return_reservation_id),
    // Before 2.19 Nova stores the name as the description (what 2.19+ then shows).
    description: 'description' in s ? (s.description ?? null) : descriptionDefault,
    tags: s.tags ?? [],
    trustedCerts: s.trusted_image_certificates ?? null,
    hostname: s.hostname ?? null,
    hints: body['OS-SCH-HNT:scheduler_hints'] ?? body['os:scheduler_hints'] ?? {},
    blockDevices,
    personality,
  };
}

/** `az`, `az:host`, `az:host:node` (the forced forms are admin-only; checked by the caller). */
function splitZone(value: string | undefined): { az: string | null; host: string | null; node: string | null } {
  if (!value) return { az: null, host: null, node: null };
  const [az, host, node] = value.split(':');
  return { az: az || null, host: host || null, node: node || null };
}

function networksOf(value: unknown, maxCount: number): NetworkRequest | undefined {
  if (value === undefined) return undefined;
  if (value === 'auto' || value === 'none') return value;
  const out: RequestedNetwork[] = [];
  const ports = new Set<string>();
  for (const n of value as { uuid?: string; port?: string | null; fixed_ip?: string; tag?: string }[]) {
    const entry: RequestedNetwork = {};
    if (n.port) {
      if (ports.has(n.port)) throw badRequest(`Port ${n.port} is still in use.`);
      ports.add(n.port);
      if (maxCount > 1)
        throw badRequest(
          'Failed to launch instances: Unable to launch multiple instances with a single configured port ID. Please launch your instance one by one with different ports.',
        );
      entry.port_id = n.port;
    } else {
      if (!n.uuid) throw badRequest('Bad network format: missing uuid');
      if (!isUuidLike(n.uuid))
        throw badRequest(`Bad networks format: network uuid is not in proper format (${n.uuid})`);
      entry.network_id = n.uuid;
    }
    if (n.fixed_ip !== undefined) {
      if (isIP(n.fixed_ip) === 0) throw badRequest(`Invalid fixed IP address (${n.fixed_ip})`);
      if (maxCount > 1)
        throw badRequest('Failed to launch instances: max_count cannot be greater than 1 if an fixed_ip is specified.');
      entry.fixed_ip = n.fixed_ip;
    }
    if (n.tag !== undefined) entry.tag = n.tag;
    out.push(entry);
  }
  return out;
}

function isBase64(s: string): boolean {
  const compact = s.replace(/\s/g, '');
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact);
}

/** Nova's sanitize_hostname: latin-1, 63 chars, `[ _.]` → `-`, only word chars and dashes, lower case. */
export function sanitizeHostname(name: string, fallback: string): string {
  let h = [...name].filter((c) => c.charCodeAt(0) < 256).join('');
  h = h.slice(0, 63);
  h = h
    .replace(/[ _.]/g, '-')
    .replace(/[^\w.-]+/g, '')
    .toLowerCase();
  h = h.replace(/^[.-]+|[.-]+$/g, '');
  return h || fallback;
}

/** Nova keeps accessIPv6 as an address object, so it answers the compressed form ('::babe:dc0c:1602'). */
export function canonicalIpv6(address: string): string {
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address;
  }
}
