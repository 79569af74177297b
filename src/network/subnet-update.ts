import type { FastifyRequest } from 'fastify';
import { enforce, enforceAttributes } from './access.ts';
import { parseUpdate } from './attributes.ts';
import { conflict } from './errors.ts';
import { parseIp } from './ip-math.ts';
import { bumped } from './standard-attrs.ts';
import { replaceDns, replacePools, replaceRoutes, subnetChildren } from './store/subnets.ts';
import { checkGateway, checkIpv6Modes, checkPools, checkVersions, cidrOf, type Pool } from './subnet-rules.ts';
import { SUBNET_ATTRS } from './subnet-view.ts';
import type { NetworkDb, NetworkRow, SubnetRow } from './tables.ts';

/**
 * PUT /v2.0/subnets/{id}: cidr, ip_version and the network are fixed (400 as read-only attributes); pools,
 * gateway and the DHCP and IPv6 settings are re-validated against the subnet's would-be state.
 */
export async function updateSubnet(
  req: FastifyRequest,
  trx: NetworkDb,
  row: SubnetRow,
  network: NetworkRow,
  target: Record<string, unknown>,
  input: Record<string, unknown>,
): Promise<void> {
  const changes = parseUpdate(SUBNET_ATTRS, input);
  enforce(req, 'update_subnet', target);
  enforceAttributes(req, 'update', 'subnet', ['segment_id', 'service_types'], changes, target);
  void network;
  const cidr = cidrOf(row.cidr);
  const children = await subnetChildren(trx, [row.id]);
  const gateway = 'gateway_ip' in changes ? (changes.gateway_ip as string | null) : row.gateway_ip;
  const pools = (changes.allocation_pools as Pool[] | undefined) ?? children.pools.get(row.id) ?? [];
  const enableDhcp = 'enable_dhcp' in changes ? Boolean(changes.enable_dhcp) : Boolean(row.enable_dhcp);
  const ra = 'ipv6_ra_mode' in changes ? (changes.ipv6_ra_mode as string | null) : row.ipv6_ra_mode;
  const addr = 'ipv6_address_mode' in changes ? (changes.ipv6_address_mode as string | null) : row.ipv6_address_mode;
  if ('gateway_ip' in changes) checkGateway(cidr, gateway);
  if ('gateway_ip' in changes || 'allocation_pools' in changes) checkPools(cidr, pools, gateway);
  if ('gateway_ip' in changes && gateway !== null && gateway !== row.gateway_ip)
    await checkGatewayFree(trx, row, gateway);
  checkIpv6Modes({
    ip_version: row.ip_version,
    cidr,
    enable_dhcp: enableDhcp,
    ipv6_ra_mode: ra,
    ipv6_address_mode: addr,
  });
  checkVersions(
    row.ip_version,
    (changes.dns_nameservers as string[] | undefined) ?? [],
    (changes.host_routes as { destination: string; nexthop: string }[] | undefined) ?? [],
  );

  const set: Partial<SubnetRow> = { ...bumped(row) };
  if ('name' in changes) set.name = changes.name as string;
  if ('description' in changes) set.description = changes.description as string;
  if ('gateway_ip' in changes) set.gateway_ip = gateway;
  if ('enable_dhcp' in changes) set.enable_dhcp = enableDhcp ? 1 : 0;
  if ('ipv6_ra_mode' in changes) set.ipv6_ra_mode = ra;
  if ('ipv6_address_mode' in changes) set.ipv6_address_mode = addr;
  if ('service_types' in changes) set.service_types = JSON.stringify(changes.service_types);
  if ('dns_publish_fixed_ip' in changes) set.dns_publish_fixed_ip = changes.dns_publish_fixed_ip ? 1 : 0;
  await trx.updateTable('subnets').set(set).where('id', '=', row.id).execute();
  if ('allocation_pools' in changes) await replacePools(trx, row.id, pools);
  if ('dns_nameservers' in changes) await replaceDns(trx, row.id, changes.dns_nameservers as string[]);
  if ('host_routes' in changes)
    await replaceRoutes(trx, row.id, changes.host_routes as { destination: string; nexthop: string }[]);
}

/** A new gateway address held by a port other than a router's: Neutron's 409. */
async function checkGatewayFree(trx: NetworkDb, row: SubnetRow, gateway: string): Promise<void> {
  const ip = parseIp(gateway);
  if (!ip) return;
  const holder = await trx
    .selectFrom('ip_allocations')
    .innerJoin('ports', 'ports.id', 'ip_allocations.port_id')
    .select(['ports.id', 'ports.device_owner'])
    .where('ip_allocations.subnet_id', '=', row.id)
    .where('ip_allocations.ip_address', '=', gateway)
    .executeTakeFirst();
  if (holder && !holder.device_owner.startsWith('network:router'))
    throw conflict('GatewayIpInUse', `Gateway ip ${gateway} conflicts with port ${holder.id}. Cannot update gateway.`);
}
