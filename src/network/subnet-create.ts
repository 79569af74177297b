import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { type Caller, enforce, enforceAttributes } from './access.ts';
import { parseCreate } from './attributes.ts';
import type { NetworkDeps } from './deps.ts';
import { badRequest, notFound } from './errors.ts';
import { contains, formatIp, parseIp } from './ip-math.ts';
import { ownerOf } from './network-create.ts';
import { checkQuota } from './quotas.ts';
import { newStandardColumns } from './standard-attrs.ts';
import { bumpNetworkRevision, findVisibleNetwork } from './store/networks.ts';
import { replaceDns, replacePools, replaceRoutes } from './store/subnets.ts';
import {
  checkGateway,
  checkIpv6Modes,
  checkOverlap,
  checkPools,
  checkVersions,
  cidrOf,
  defaultPools,
  type Pool,
} from './subnet-rules.ts';
import { SUBNET_ATTRS } from './subnet-view.ts';
import { cidrFromPool, poolFor } from './subnetpool-allocate.ts';
import type { NetworkDb, NetworkRow, SubnetRow } from './tables.ts';

/** The target Neutron's subnet rules read: the subnet plus its network's owner, `shared` and `router:external`. */
export function subnetTarget(subnet: Record<string, unknown>, network: NetworkRow, sharedWithViewer = false) {
  return {
    ...subnet,
    'network:tenant_id': network.project_id,
    shared: Boolean(network.shared) || sharedWithViewer,
    'router:external': Boolean(network.external),
  };
}

/** Validates one create body and inserts the subnet with its pools, name servers and routes, in `trx`. */
export async function createSubnet(
  req: FastifyRequest,
  trx: NetworkDb,
  deps: NetworkDeps,
  caller: Caller,
  input: Record<string, unknown>,
): Promise<SubnetRow> {
  const values = parseCreate(SUBNET_ATTRS, input);
  const projectId = ownerOf(caller, values.project_id as string | undefined);
  const network = await findVisibleNetwork(trx, caller, values.network_id as string);
  if (!network) throw notFound('network', values.network_id as string);
  const target = subnetTarget({ ...values, project_id: projectId, tenant_id: projectId }, network);
  enforce(req, 'create_subnet', target);
  enforceAttributes(req, 'create', 'subnet', ['segment_id', 'service_types'], values, target, {
    segment_id: null,
    service_types: [],
  });
  await checkQuota(trx, deps, projectId, 'subnet');

  const ipVersion = values.ip_version as number;
  const pool = await poolFor(
    trx,
    projectId,
    caller.isAdmin,
    values.subnetpool_id as string | null | undefined,
    Boolean(values.use_default_subnetpool),
    ipVersion,
  );
  let cidrText = values.cidr as string | undefined;
  if (pool) cidrText = await cidrFromPool(trx, pool, { cidr: cidrText, prefixlen: values.prefixlen as number });
  else if (!cidrText) throw badRequest('Bad subnets request: a cidr must be specified in the absence of a subnet pool');
  else if (values.prefixlen !== undefined)
    throw badRequest('Bad subnets request: cidr and prefixlen must not be supplied together');
  const cidr = cidrOf(cidrText);
  if (cidr.version !== ipVersion)
    throw badRequest(
      `Invalid input for operation: Cidr ${cidrText} does not match the IP version ${ipVersion}.`,
      'InvalidInput',
    );
  if (cidr.version === 4 && cidr.prefixlen === 0 && !caller.isAdmin)
    throw badRequest('Invalid input for operation: 0.0.0.0/0 is not allowed.', 'InvalidInput');

  const gateway = 'gateway_ip' in values ? (values.gateway_ip as string | null) : firstHost(cidrText);
  checkGateway(cidr, gateway);
  const pools = (values.allocation_pools as Pool[] | undefined) ?? defaultPools(cidr, gateway);
  if (values.allocation_pools) checkPools(cidr, pools, gateway);
  const enableDhcp = values.enable_dhcp as boolean;
  const modes = {
    ipv6_ra_mode: (values.ipv6_ra_mode as string | null | undefined) ?? null,
    ipv6_address_mode: (values.ipv6_address_mode as string | null | undefined) ?? null,
  };
  checkIpv6Modes({ ip_version: ipVersion, cidr, enable_dhcp: enableDhcp, ...modes });
  const dns = values.dns_nameservers as string[];
  const routes = values.host_routes as { destination: string; nexthop: string }[];
  checkVersions(ipVersion, dns, routes);
  checkOverlap(
    cidr,
    network.id,
    await trx.selectFrom('subnets').select('cidr').where('network_id', '=', network.id).execute(),
  );

  const row: SubnetRow = {
    ...newStandardColumns(randomUUID(), projectId, values.description as string),
    name: values.name as string,
    network_id: network.id,
    ip_version: ipVersion,
    cidr: cidrText,
    gateway_ip: gateway,
    enable_dhcp: enableDhcp ? 1 : 0,
    ...modes,
    subnetpool_id: pool?.id ?? null,
    service_types: JSON.stringify(values.service_types ?? []),
    dns_publish_fixed_ip: values.dns_publish_fixed_ip ? 1 : 0,
  };
  await trx.insertInto('subnets').values(row).execute();
  await bumpNetworkRevision(trx, network.id); // a subnet revises its network, as in Neutron
  await replacePools(trx, row.id, pools);
  await replaceDns(trx, row.id, dns);
  await replaceRoutes(trx, row.id, routes);
  return row;
}

/** Neutron's default gateway: the first address after the network's, when the subnet has one. */
function firstHost(cidrText: string): string | null {
  const c = cidrOf(cidrText);
  const ip = c.network + 1n;
  if (!contains(c, c.version, ip)) return null;
  return formatIp(c.version, ip);
}

export const isIpIn = (cidrText: string, ip: string): boolean => {
  const p = parseIp(ip);
  return Boolean(p && contains(cidrOf(cidrText), p.version, p.value));
};
