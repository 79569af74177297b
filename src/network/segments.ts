import type { Config } from '../core/config.ts';
import { ApiError } from '../core/errors.ts';
import { badRequest, conflict, invalidInput } from './errors.ts';
import type { NetworkDb } from './tables.ts';

/**
 * Provider segments (ML2's type drivers): which physical network and VLAN/VXLAN id carries a network. An admin
 * may name them (`provider:*`); otherwise the network gets the next free id of the tenant network type. The
 * unique index on (type, physical network, id) settles races: a duplicate makes the caller retry.
 */
export interface Segment {
  network_type: string;
  physical_network: string;
  segmentation_id: number | null;
}

export const NETWORK_TYPES = ['flat', 'vlan', 'vxlan', 'local'] as const;
const VXLAN_MAX = 2 ** 24 - 1;

export interface ProviderRequest {
  network_type?: string;
  physical_network?: string | null;
  segmentation_id?: number | null;
}

/** Checks an admin's provider attributes, as the type drivers do. */
export async function requestedSegment(db: NetworkDb, config: Config, req: ProviderRequest): Promise<Segment> {
  const type = req.network_type;
  const physnet = req.physical_network ?? '';
  const id = req.segmentation_id ?? null;
  if (!type) throw badRequest('network_type required');
  switch (type) {
    case 'local':
    case 'vxlan':
      if (physnet)
        throw invalidInput('provider:physical_network', `provider:physical_network specified for ${type} network`);
      if (type === 'local') {
        if (id !== null) throw invalidInput('provider:segmentation_id', 'segmentation_id specified for local network');
        return { network_type: type, physical_network: '', segmentation_id: null };
      }
      if (id === null) return allocate(db, type, '', vxlanRanges(config));
      if (id < 1 || id > VXLAN_MAX)
        throw invalidInput(
          'provider:segmentation_id',
          `${id} is not a valid VXLAN VNI, valid VNIs are 1 to ${VXLAN_MAX}`,
        );
      await ensureFree(db, { network_type: type, physical_network: '', segmentation_id: id });
      return { network_type: type, physical_network: '', segmentation_id: id };
    case 'flat': {
      if (!physnet)
        throw invalidInput('provider:physical_network', 'physical_network required for flat provider network');
      if (id !== null) throw invalidInput('provider:segmentation_id', 'segmentation_id specified for flat network');
      const allowed = config.network.flatNetworks.split(',').map((s) => s.trim());
      if (!allowed.includes('*') && !allowed.includes(physnet))
        throw invalidInput(
          'provider:physical_network',
          `physical_network '${physnet}' unknown for flat provider network`,
        );
      const taken = await db
        .selectFrom('networks')
        .select('id')
        .where('network_type', '=', 'flat')
        .where('physical_network', '=', physnet)
        .executeTakeFirst();
      if (taken)
        throw conflict('FlatNetworkInUse', `Unable to create the flat network. Physical network ${physnet} is in use.`);
      return { network_type: type, physical_network: physnet, segmentation_id: null };
    }
    case 'vlan': {
      const ranges = vlanRanges(config);
      if (!physnet)
        throw invalidInput('provider:physical_network', 'physical_network required for VLAN provider network');
      if (id === null) {
        const own = ranges.get(physnet);
        if (!own)
          throw invalidInput(
            'provider:physical_network',
            `physical_network '${physnet}' unknown for VLAN provider network`,
          );
        return allocate(db, type, physnet, own);
      }
      if (id < 1 || id > 4094)
        throw invalidInput('provider:segmentation_id', `segmentation_id out of range (1 through 4094)`);
      await ensureFree(db, { network_type: type, physical_network: physnet, segmentation_id: id });
      return { network_type: type, physical_network: physnet, segmentation_id: id };
    }
    default:
      throw invalidInput('provider:network_type', `network_type value '${type}' not supported`);
  }
}

/** A network created without provider attributes: the tenant network type's next free segment. */
export async function tenantSegment(db: NetworkDb, config: Config): Promise<Segment> {
  const type = config.network.tenantNetworkType;
  if (type === 'local') return { network_type: 'local', physical_network: '', segmentation_id: null };
  if (type === 'vxlan') return allocate(db, 'vxlan', '', vxlanRanges(config));
  const [first] = [...vlanRanges(config)];
  if (!first) throw noneAvailable();
  return allocate(db, 'vlan', first[0], first[1]);
}

/** The MTU a segment allows: VXLAN's header takes 50 bytes of the physical MTU. */
export function mtuOf(config: Config, segment: Segment): number {
  return segment.network_type === 'vxlan' ? config.network.physicalMtu - 50 : config.network.physicalMtu;
}

async function allocate(
  db: NetworkDb,
  type: string,
  physnet: string,
  [first, last]: [number, number],
): Promise<Segment> {
  const used = await db
    .selectFrom('networks')
    .select('segmentation_id')
    .where('network_type', '=', type)
    .where('physical_network', '=', physnet)
    .where('segmentation_id', '>=', first)
    .where('segmentation_id', '<=', last)
    .orderBy('segmentation_id')
    .execute();
  let next = first;
  for (const { segmentation_id } of used) {
    if (segmentation_id !== next) break;
    next++;
  }
  if (next > last) throw noneAvailable();
  return { network_type: type, physical_network: physnet, segmentation_id: next };
}

async function ensureFree(db: NetworkDb, s: Segment): Promise<void> {
  const taken = await db
    .selectFrom('networks')
    .select('id')
    .where('network_type', '=', s.network_type)
    .where('physical_network', '=', s.physical_network)
    .where('segmentation_id', '=', s.segmentation_id)
    .executeTakeFirst();
  if (!taken) return;
  if (s.network_type === 'vlan')
    throw conflict(
      'VlanIdInUse',
      `Unable to create the network. The VLAN ${s.segmentation_id} on physical network ${s.physical_network} is in use.`,
    );
  throw conflict('TunnelIdInUse', `Unable to create the network. The tunnel ID ${s.segmentation_id} is in use.`);
}

function noneAvailable(): ApiError {
  return new ApiError(
    503,
    'NoNetworkAvailable',
    'Unable to create the network. No tenant network is available for allocation.',
  );
}

function vxlanRanges(config: Config): [number, number] {
  const [a, b] = config.network.vxlanRanges.split(':').map(Number);
  return [a, b];
}

function vlanRanges(config: Config): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const entry of config.network.vlanRanges.split(',').filter(Boolean)) {
    const [physnet, a, b] = entry.trim().split(':');
    out.set(physnet, [Number(a), Number(b)]);
  }
  return out;
}
