import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { isUniqueViolation } from '../core/db/database.ts';
import { type Caller, enforce, enforceAttributes } from './access.ts';
import { parseCreate } from './attributes.ts';
import type { NetworkDeps } from './deps.ts';
import { badRequest } from './errors.ts';
import { GUARDED_NETWORK_ATTRS, NETWORK_ATTRS } from './network-view.ts';
import { checkQuota } from './quotas.ts';
import { mtuOf, requestedSegment, type Segment, tenantSegment } from './segments.ts';
import { newStandardColumns } from './standard-attrs.ts';
import { insertNetwork } from './store/networks.ts';
import { makeExternal, shareWithEveryone } from './store/rbac.ts';
import type { NetworkDb, NetworkRow } from './tables.ts';

/** Checks one create body (policy included) and returns what to insert; nothing is written yet. */
export function parseNetworkCreate(req: FastifyRequest, caller: Caller, input: Record<string, unknown>) {
  const values = parseCreate(NETWORK_ATTRS, input);
  const projectId = ownerOf(caller, values.project_id as string | undefined);
  const target = { ...values, project_id: projectId, tenant_id: projectId };
  enforce(req, 'create_network', target);
  enforceAttributes(req, 'create', 'network', GUARDED_NETWORK_ATTRS, values, target, {
    shared: false,
    'router:external': false,
    port_security_enabled: true,
  });
  return { values, projectId };
}

/**
 * A non-admin creates only in their own project; Neutron answers 400 (not 403) for naming another.
 * Shared by every resource's create.
 */
export function ownerOf(caller: Caller, requested: string | undefined): string {
  if (requested === undefined || requested === caller.projectId) return caller.projectId;
  if (!caller.isAdmin)
    throw badRequest(
      "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin privileges",
    );
  return requested;
}

/** Allocates the segment and inserts the network (and its '*' RBAC policies when shared or external), in `trx`. */
export async function insertNewNetwork(
  trx: NetworkDb,
  deps: NetworkDeps,
  values: Record<string, unknown>,
  projectId: string,
): Promise<NetworkRow> {
  await checkQuota(trx, deps, projectId, 'network');
  const segment = await segmentFor(trx, deps, values);
  const maxMtu = mtuOf(deps.config, segment);
  const mtu = (values.mtu as number | undefined) ?? maxMtu;
  if (mtu > maxMtu) throw badRequest(`Requested MTU is too big, maximum is ${maxMtu}`, 'InvalidInput');
  const row: NetworkRow = {
    ...newStandardColumns(randomUUID(), projectId, values.description as string),
    name: values.name as string,
    admin_state_up: values.admin_state_up ? 1 : 0,
    status: 'ACTIVE',
    shared: values.shared ? 1 : 0,
    external: values['router:external'] ? 1 : 0,
    mtu,
    port_security_enabled: values.port_security_enabled ? 1 : 0,
    availability_zone_hints: JSON.stringify(values.availability_zone_hints ?? []),
    dns_domain: values.dns_domain as string,
    network_type: segment.network_type,
    physical_network: segment.physical_network,
    segmentation_id: segment.segmentation_id,
    vlan_transparent: values.vlan_transparent ? 1 : 0,
  };
  try {
    await insertNetwork(trx, row);
  } catch (err) {
    // Another request took the same segment between our read and insert: the caller retries the transaction.
    if (isUniqueViolation(err)) throw new SegmentRace();
    throw err;
  }
  if (row.shared) await shareWithEveryone(trx, row.id, projectId);
  if (row.external) await makeExternal(trx, row.id, projectId);
  return row;
}

function segmentFor(trx: NetworkDb, deps: NetworkDeps, values: Record<string, unknown>): Promise<Segment> {
  const given = ['provider:network_type', 'provider:physical_network', 'provider:segmentation_id'].some(
    (k) => values[k] !== undefined,
  );
  if (!given) return tenantSegment(trx, deps.config);
  return requestedSegment(trx, deps.config, {
    network_type: values['provider:network_type'] as string | undefined,
    physical_network: values['provider:physical_network'] as string | null | undefined,
    segmentation_id: values['provider:segmentation_id'] as number | null | undefined,
  });
}

export class SegmentRace extends Error {}

/** Runs `work` in a transaction, again (up to 5 times) when it lost a segment allocation race. */
export async function withSegmentRetry<T>(db: NetworkDb, work: (trx: NetworkDb) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (err) {
      if (!(err instanceof SegmentRace) || attempt >= 4) throw err;
    }
  }
}
