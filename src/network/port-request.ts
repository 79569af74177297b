import type { FastifyRequest } from 'fastify';
import { type Caller, enforce, enforceAttributes } from './access.ts';
import { parseCreate } from './attributes.ts';
import { notFound } from './errors.ts';
import type { FixedIpRequest } from './ipam.ts';
import { ownerOf } from './network-create.ts';
import type { PortValues } from './port-create.ts';
import { GUARDED_PORT_ATTRS, PORT_ATTRS } from './port-view.ts';
import { findVisibleNetwork, sharedWith } from './store/networks.ts';
import type { NetworkDb, NetworkRow } from './tables.ts';

/**
 * The target Neutron's port rules read: the port plus its network's owner (`network:tenant_id`), whether the
 * network is shared with the caller, and whether the device owner is a `network:*` one (the `network_device` rule).
 */
export async function portTarget(
  db: NetworkDb,
  caller: Caller,
  port: Record<string, unknown>,
  network: NetworkRow,
): Promise<Record<string, unknown>> {
  const shared = Boolean(network.shared) || (await sharedWith(db, caller, [network.id])).has(network.id);
  return {
    ...port,
    'network:tenant_id': network.project_id,
    shared,
    device_owner_is_network: String(port.device_owner ?? '').startsWith('network:'),
  };
}

/** The per-entry rules of fixed_ips (`create_port:fixed_ips:ip_address`, `...:subnet_id`). */
export function enforceFixedIps(
  req: FastifyRequest,
  action: 'create' | 'update',
  fixedIps: FixedIpRequest[] | undefined,
  target: Record<string, unknown>,
): void {
  if (!fixedIps) return;
  if (fixedIps.some((f) => f.ip_address !== undefined)) enforce(req, `${action}_port:fixed_ips:ip_address`, target);
  if (fixedIps.some((f) => f.subnet_id !== undefined)) enforce(req, `${action}_port:fixed_ips:subnet_id`, target);
}

/** Checks one create body (policy included) against the network it names; nothing is written. */
export async function parsePortCreate(
  req: FastifyRequest,
  trx: NetworkDb,
  caller: Caller,
  input: Record<string, unknown>,
): Promise<PortValues> {
  const values = parseCreate(PORT_ATTRS, input);
  const projectId = ownerOf(caller, values.project_id as string | undefined);
  const network = await findVisibleNetwork(trx, caller, values.network_id as string);
  if (!network) throw notFound('network', values.network_id as string);
  const target = await portTarget(trx, caller, { ...values, project_id: projectId, tenant_id: projectId }, network);
  enforce(req, 'create_port', target);
  enforceAttributes(req, 'create', 'port', GUARDED_PORT_ATTRS, values, target, {
    device_owner: '',
    'binding:vnic_type': 'normal',
  });
  enforceFixedIps(req, 'create', values.fixed_ips as FixedIpRequest[] | undefined, target);
  return {
    network,
    projectId,
    name: values.name as string,
    description: values.description as string,
    admin_state_up: values.admin_state_up as boolean,
    mac_address: values.mac_address as string | undefined,
    fixed_ips: values.fixed_ips as FixedIpRequest[] | undefined,
    device_id: values.device_id as string,
    device_owner: values.device_owner as string,
    // A body's explicit null means "none", as an empty list does.
    security_groups: 'security_groups' in values ? ((values.security_groups as string[] | null) ?? []) : undefined,
    port_security_enabled: values.port_security_enabled as boolean | undefined,
    allowed_address_pairs: values.allowed_address_pairs as PortValues['allowed_address_pairs'],
    extra_dhcp_opts: values.extra_dhcp_opts as PortValues['extra_dhcp_opts'],
    dns_name: values.dns_name as string,
    binding_host_id: values['binding:host_id'] as string | undefined,
    binding_profile: values['binding:profile'] as Record<string, unknown> | null | undefined,
    binding_vnic_type: values['binding:vnic_type'] as string | undefined,
    propagate_uplink_status: values.propagate_uplink_status as boolean | undefined,
    isAdmin: caller.isAdmin,
  };
}
