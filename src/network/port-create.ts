import { randomBytes, randomUUID } from 'node:crypto';
import { ApiError } from '../core/errors.ts';
import { ensureDefaultSecurityGroup } from './default-security-group.ts';
import type { NetworkDeps } from './deps.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import { allocateFixedIps, type FixedIpRequest, releaseFixedIps } from './ipam.ts';
import { buildPortView, portExtras } from './port-view.ts';
import { checkQuota } from './quotas.ts';
import { newStandardColumns } from './standard-attrs.ts';
import { deleteTags } from './store/tags.ts';
import type { NetworkDb, NetworkRow, PortRow } from './tables.ts';

export interface InternalPortSpec {
  network_id: string;
  project_id: string;
  device_owner: string;
  device_id: string;
  fixed_ips?: { subnet_id?: string; ip_address?: string }[];
  name?: string;
  admin_state_up?: boolean;
  /** null: no security groups (router/DHCP ports); undefined: the project's default group */
  security_groups?: string[] | null;
  mac_address?: string;
}

/** Everything a new port may be given, checked for syntax and policy; `insertPort` checks the rest. */
export interface PortValues {
  network: NetworkRow;
  projectId: string;
  name: string;
  description: string;
  admin_state_up: boolean;
  mac_address?: string;
  fixed_ips?: FixedIpRequest[];
  device_id: string;
  device_owner: string;
  /** null: none; undefined: the project's default group. */
  security_groups?: string[] | null;
  port_security_enabled?: boolean;
  allowed_address_pairs?: { ip_address: string; mac_address?: string }[];
  extra_dhcp_opts?: { opt_name: string; opt_value?: string | null; ip_version?: number }[];
  dns_name: string;
  binding_host_id?: string;
  binding_profile?: Record<string, unknown> | null;
  binding_vnic_type?: string;
  propagate_uplink_status?: boolean;
  /** Whether the caller may name any project's security groups. */
  isAdmin: boolean;
}

/** Creates a port inside `trx` (IPAM included) for router interfaces, gateways, floating IPs, DHCP. */
export async function createInternalPort(trx: NetworkDb, deps: NetworkDeps, spec: InternalPortSpec): Promise<PortRow> {
  const network = await trx.selectFrom('networks').selectAll().where('id', '=', spec.network_id).executeTakeFirst();
  if (!network) throw notFound('network', spec.network_id);
  return insertPort(trx, deps, {
    network,
    projectId: spec.project_id,
    name: spec.name ?? '',
    description: '',
    admin_state_up: spec.admin_state_up ?? true,
    mac_address: spec.mac_address,
    fixed_ips: spec.fixed_ips,
    device_id: spec.device_id,
    device_owner: spec.device_owner,
    security_groups: spec.security_groups,
    dns_name: '',
    isAdmin: true,
  });
}

export async function deleteInternalPort(trx: NetworkDb, deps: NetworkDeps, portId: string): Promise<void> {
  void deps;
  await releaseFixedIps(trx, portId);
  await trx.deleteFrom('port_allowed_address_pairs').where('port_id', '=', portId).execute();
  await trx.deleteFrom('port_extra_dhcp_opts').where('port_id', '=', portId).execute();
  await trx.deleteFrom('port_security_group_bindings').where('port_id', '=', portId).execute();
  await deleteTags(trx, 'port', portId);
  await trx.deleteFrom('ports').where('id', '=', portId).execute();
}

/** Full views (as an admin sees them) of the given ports; `deps` supplies the DNS domain of dns_assignment. */
export async function portView(
  db: NetworkDb,
  portIds: string[],
  deps?: Pick<NetworkDeps, 'config'>,
): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  if (portIds.length === 0) return out;
  const rows = await db.selectFrom('ports').selectAll().where('id', 'in', portIds).execute();
  const extras = await portExtras(db, portIds);
  const domain = deps?.config.network.dnsDomain ?? 'openstacklocal.';
  for (const row of rows) out.set(row.id, buildPortView(domain, row, extras));
  return out;
}

/** Inserts the port, its addresses, security groups, address pairs and DHCP options, in `trx`. */
export async function insertPort(trx: NetworkDb, deps: NetworkDeps, values: PortValues): Promise<PortRow> {
  await checkQuota(trx, deps, values.projectId, 'port');
  const portSecurity = values.port_security_enabled ?? Boolean(values.network.port_security_enabled);
  const hostId = values.binding_host_id ?? '';
  const row: PortRow = {
    ...newStandardColumns(randomUUID(), values.projectId, values.description),
    name: values.name,
    network_id: values.network.id,
    mac_address: values.mac_address ?? '',
    admin_state_up: values.admin_state_up ? 1 : 0,
    status: 'DOWN',
    device_id: values.device_id,
    device_owner: values.device_owner,
    port_security_enabled: portSecurity ? 1 : 0,
    dns_name: values.dns_name,
    propagate_uplink_status: values.propagate_uplink_status ? 1 : 0,
    binding_host_id: hostId,
    binding_vif_type: hostId ? 'bridge' : 'unbound',
    binding_vif_details: '{}',
    binding_vnic_type: values.binding_vnic_type ?? 'normal',
    binding_profile: JSON.stringify(values.binding_profile ?? {}),
  };
  await insertWithMac(trx, deps, row, values.mac_address !== undefined);
  await allocateFixedIps(
    trx,
    { networkId: row.network_id, portId: row.id, mac: row.mac_address, deviceOwner: row.device_owner },
    values.fixed_ips,
  );
  const groups = await groupsFor(trx, deps, values, portSecurity);
  // A new port has nothing to replace: the DELETEs an update needs are skipped (each is a round trip on PostgreSQL).
  await bindSecurityGroups(trx, row.id, groups, false);
  await setAddressPairs(trx, row, portSecurity, values.allowed_address_pairs ?? [], false);
  if (values.extra_dhcp_opts?.length) await setDhcpOpts(trx, row.id, values.extra_dhcp_opts, false);
  return row;
}

async function groupsFor(trx: NetworkDb, deps: NetworkDeps, values: PortValues, portSecurity: boolean) {
  const given = values.security_groups;
  if (!portSecurity) {
    if (given && given.length > 0) throw portSecurityRequired();
    return [];
  }
  if (given === null) return [];
  if (given === undefined)
    return values.device_owner.startsWith('network:')
      ? []
      : [await ensureDefaultSecurityGroup(trx, deps, values.projectId)];
  await checkSecurityGroups(trx, given, values.projectId, values.isAdmin);
  return given;
}

export const portSecurityRequired = () =>
  badRequest(
    'Port security must be enabled and port must have an IP address in order to use security groups.',
    'PortSecurityAndIPRequiredForSecurityGroups',
  );

/** The groups must exist and belong to the port's project (an admin may name any). */
export async function checkSecurityGroups(trx: NetworkDb, ids: string[], projectId: string, isAdmin: boolean) {
  if (ids.length === 0) return;
  const found = await trx.selectFrom('security_groups').select(['id', 'project_id']).where('id', 'in', ids).execute();
  for (const id of ids) {
    const g = found.find((f) => f.id === id);
    if (!g || !(isAdmin || g.project_id === projectId))
      throw new ApiError(404, 'SecurityGroupNotFound', `Security group ${id} does not exist`);
  }
}

export async function bindSecurityGroups(
  trx: NetworkDb,
  portId: string,
  groups: string[],
  replace = true,
): Promise<void> {
  if (replace) await trx.deleteFrom('port_security_group_bindings').where('port_id', '=', portId).execute();
  if (groups.length)
    await trx
      .insertInto('port_security_group_bindings')
      .values(groups.map((security_group_id) => ({ port_id: portId, security_group_id })))
      .execute();
}

export async function setAddressPairs(
  trx: NetworkDb,
  port: Pick<PortRow, 'id' | 'mac_address'>,
  portSecurity: boolean,
  pairs: { ip_address: string; mac_address?: string }[],
  replace = true,
): Promise<void> {
  if (pairs.length && !portSecurity)
    throw conflict(
      'AddressPairAndPortSecurityRequired',
      'Port Security must be enabled in order to have allowed address pairs on a port.',
    );
  if (pairs.length > 10)
    throw badRequest('The number of allowed address pair exceeds the maximum 10.', 'AllowedAddressPairExhausted');
  const rows = pairs.map((p) => ({
    port_id: port.id,
    ip_address: p.ip_address,
    mac_address: p.mac_address ?? port.mac_address,
  }));
  const keys = new Set<string>();
  for (const r of rows) {
    const key = `${r.mac_address}|${r.ip_address}`;
    if (keys.has(key))
      throw badRequest(
        `Request contains duplicate address pair: mac_address ${r.mac_address} ip_address ${r.ip_address}.`,
        'DuplicateAddressPairInRequest',
      );
    keys.add(key);
  }
  if (replace) await trx.deleteFrom('port_allowed_address_pairs').where('port_id', '=', port.id).execute();
  if (rows.length) await trx.insertInto('port_allowed_address_pairs').values(rows).execute();
}

/** Create replaces; update merges by (name, version), and a null value removes the option (Neutron's rules). */
export async function setDhcpOpts(
  trx: NetworkDb,
  portId: string,
  opts: { opt_name: string; opt_value?: string | null; ip_version?: number }[],
  merge: boolean,
): Promise<void> {
  if (!merge) await trx.deleteFrom('port_extra_dhcp_opts').where('port_id', '=', portId).execute();
  for (const o of opts) {
    const ipVersion = o.ip_version ?? 4;
    await trx
      .deleteFrom('port_extra_dhcp_opts')
      .where('port_id', '=', portId)
      .where('opt_name', '=', o.opt_name)
      .where('ip_version', '=', ipVersion)
      .execute();
    if (o.opt_value !== null && o.opt_value !== undefined)
      await trx
        .insertInto('port_extra_dhcp_opts')
        .values({ port_id: portId, opt_name: o.opt_name, opt_value: o.opt_value, ip_version: ipVersion })
        .execute();
  }
}

/**
 * Inserts the row; a generated MAC that collides is drawn again, a requested one is Neutron's 409. A collision
 * is ON CONFLICT DO NOTHING inserting no row, so no savepoint is needed to go on in the same transaction.
 */
async function insertWithMac(trx: NetworkDb, deps: NetworkDeps, row: PortRow, requested: boolean): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if (!requested) row.mac_address = generateMac(deps.config.network.baseMac);
    const result = await trx
      .insertInto('ports')
      .values(row)
      .onConflict((oc) => oc.columns(['network_id', 'mac_address']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 1) return;
    if (requested) throw macInUse(row.network_id, row.mac_address);
    if (attempt >= 15)
      throw conflict('MacAddressGenerationFailure', `Unable to generate unique mac on network ${row.network_id}.`);
  }
}

export const macInUse = (networkId: string, mac: string) =>
  conflict(
    'MacAddressInUse',
    `Unable to complete operation for network ${networkId}. The mac address ${mac} is in use.`,
  );

/** Neutron's base_mac: the bytes given as 00 are random. */
export function generateMac(base: string): string {
  const random = randomBytes(6);
  return base
    .toLowerCase()
    .split(':')
    .map((b, i) => (b === '00' && i >= 3 ? random[i].toString(16).padStart(2, '0') : b))
    .join(':');
}
