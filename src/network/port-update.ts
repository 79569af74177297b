import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { isUniqueViolation } from '../core/db/database.ts';
import { type Caller, enforce, enforceAttributes } from './access.ts';
import { parseUpdate } from './attributes.ts';
import { conflict } from './errors.ts';
import { allocateFixedIps, type FixedIp, type FixedIpRequest } from './ipam.ts';
import {
  bindSecurityGroups,
  checkSecurityGroups,
  macInUse,
  portSecurityRequired,
  setAddressPairs,
  setDhcpOpts,
} from './port-create.ts';
import { enforceFixedIps } from './port-request.ts';
import { GUARDED_PORT_ATTRS, PORT_ATTRS } from './port-view.ts';
import { bumped } from './standard-attrs.ts';
import type { NetworkDb, PortRow } from './tables.ts';

/**
 * PUT /v2.0/ports/{id}, in the caller's transaction. `before` is the port's full view and `target` the policy
 * target built from it. A new fixed_ips list keeps the addresses it still names (by address, or by subnet alone),
 * frees the others and allocates the rest, all in this transaction.
 */
export async function updatePort(
  req: FastifyRequest,
  trx: NetworkDb,
  caller: Caller,
  row: PortRow,
  before: Record<string, unknown>,
  target: Record<string, unknown>,
  input: Record<string, unknown>,
): Promise<void> {
  const changes = parseUpdate(PORT_ATTRS, input);
  enforce(req, 'update_port', target);
  const attrTarget = {
    ...target,
    device_owner_is_network: String(changes.device_owner ?? row.device_owner).startsWith('network:'),
  };
  enforceAttributes(req, 'update', 'port', GUARDED_PORT_ATTRS, changes, attrTarget);
  enforceFixedIps(req, 'update', changes.fixed_ips as FixedIpRequest[] | undefined, attrTarget);

  const set: Partial<PortRow> = { ...bumped(row) };
  const copy: [string, keyof PortRow][] = [
    ['name', 'name'],
    ['description', 'description'],
    ['device_id', 'device_id'],
    ['device_owner', 'device_owner'],
    ['dns_name', 'dns_name'],
    ['binding:vnic_type', 'binding_vnic_type'],
  ];
  for (const [attr, column] of copy) if (attr in changes) (set as Record<string, unknown>)[column] = changes[attr];
  if ('admin_state_up' in changes) set.admin_state_up = changes.admin_state_up ? 1 : 0;
  if ('propagate_uplink_status' in changes) set.propagate_uplink_status = changes.propagate_uplink_status ? 1 : 0;
  if ('binding:profile' in changes) set.binding_profile = JSON.stringify(changes['binding:profile'] ?? {});
  if ('binding:host_id' in changes) {
    set.binding_host_id = changes['binding:host_id'] as string;
    set.binding_vif_type = set.binding_host_id ? 'bridge' : 'unbound';
  }
  const portSecurity =
    'port_security_enabled' in changes ? Boolean(changes.port_security_enabled) : Boolean(row.port_security_enabled);
  set.port_security_enabled = portSecurity ? 1 : 0;
  if ('mac_address' in changes && changes.mac_address !== row.mac_address) {
    if (row.binding_host_id)
      throw conflict(
        'PortBound',
        `Unable to complete operation on port ${row.id}, port is already bound, port type: ${row.binding_vif_type}, old_mac ${row.mac_address}, new_mac ${changes.mac_address}.`,
      );
    set.mac_address = changes.mac_address as string;
  }
  await writeRow(trx, row, set);

  if ('fixed_ips' in changes)
    await replaceFixedIps(trx, row, before.fixed_ips as FixedIp[], changes.fixed_ips as FixedIpRequest[]);

  const groups =
    'security_groups' in changes
      ? ((changes.security_groups as string[] | null) ?? [])
      : (before.security_groups as string[]);
  if (!portSecurity && groups.length > 0) {
    if ('security_groups' in changes) throw portSecurityRequired();
    throw conflict(
      'PortSecurityPortHasSecurityGroup',
      'Port has security group associated. Cannot disable port security or ip address until security group is removed',
    );
  }
  if ('security_groups' in changes) {
    await checkSecurityGroups(trx, groups, row.project_id, caller.isAdmin);
    await bindSecurityGroups(trx, row.id, groups);
  }
  const pairs =
    'allowed_address_pairs' in changes
      ? (changes.allowed_address_pairs as { ip_address: string; mac_address?: string }[])
      : undefined;
  if (pairs)
    await setAddressPairs(trx, { id: row.id, mac_address: set.mac_address ?? row.mac_address }, portSecurity, pairs);
  else if (!portSecurity && (before.allowed_address_pairs as unknown[]).length > 0)
    await setAddressPairs(trx, row, false, before.allowed_address_pairs as { ip_address: string }[]);
  if ('extra_dhcp_opts' in changes)
    await setDhcpOpts(trx, row.id, changes.extra_dhcp_opts as Parameters<typeof setDhcpOpts>[2], true);
}

async function writeRow(trx: NetworkDb, row: PortRow, set: Partial<PortRow>): Promise<void> {
  await sql`SAVEPOINT port_update`.execute(trx);
  try {
    await trx.updateTable('ports').set(set).where('id', '=', row.id).execute();
    await sql`RELEASE SAVEPOINT port_update`.execute(trx);
  } catch (err) {
    await sql`ROLLBACK TO SAVEPOINT port_update`.execute(trx);
    await sql`RELEASE SAVEPOINT port_update`.execute(trx);
    if (isUniqueViolation(err)) throw macInUse(row.network_id, set.mac_address ?? row.mac_address);
    throw err;
  }
}

async function replaceFixedIps(trx: NetworkDb, row: PortRow, current: FixedIp[], requested: FixedIpRequest[]) {
  const kept = new Set<FixedIp>();
  const fresh: FixedIpRequest[] = [];
  for (const r of requested) {
    const match = current.find(
      (c) =>
        !kept.has(c) &&
        (r.ip_address !== undefined
          ? c.ip_address === r.ip_address && (r.subnet_id === undefined || c.subnet_id === r.subnet_id)
          : c.subnet_id === r.subnet_id),
    );
    if (match) kept.add(match);
    else fresh.push(r);
  }
  for (const c of current)
    if (!kept.has(c))
      await trx
        .deleteFrom('ip_allocations')
        .where('port_id', '=', row.id)
        .where('subnet_id', '=', c.subnet_id)
        .where('ip_address', '=', c.ip_address)
        .execute();
  if (fresh.length)
    await allocateFixedIps(
      trx,
      { networkId: row.network_id, portId: row.id, mac: row.mac_address, deviceOwner: row.device_owner },
      fresh,
    );
}
