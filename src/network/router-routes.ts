import { ApiError } from '../core/errors.ts';
import { canonicalCidr, cidrContains } from './l3-cidr.ts';
import type { Route } from './router-view.ts';
import { fixedIpsOf, interfacePorts, subnetsByIds, subnetsOfNetwork } from './store/routers.ts';
import type { NetworkDb, RouterRow } from './tables.ts';

/** Neutron's `max_routes` default. */
const MAX_ROUTES = 30;

function invalidRoutes(routes: readonly Route[], reason: string): ApiError {
  return new ApiError(400, 'InvalidRoutes', `Invalid format for routes: ${JSON.stringify(routes)}, ${reason}.`);
}

/**
 * Checks static routes (extraroute) against the router as it is now: each destination a canonical CIDR, each
 * nexthop inside a subnet the router is connected to (an interface or the gateway network) but not one of the
 * router's own addresses. Returns the routes as stored.
 */
export async function checkRoutes(db: NetworkDb, router: RouterRow, routes: readonly Route[]): Promise<Route[]> {
  if (routes.length > MAX_ROUTES)
    throw new ApiError(
      400,
      'RoutesExhausted',
      `Unable to complete operation for ${router.id}. The number of routes exceeds the maximum ${MAX_ROUTES}.`,
    );
  const out: Route[] = [];
  for (const r of routes) {
    const canonical = typeof r.destination === 'string' ? canonicalCidr(r.destination) : undefined;
    if (!canonical || !r.destination.includes('/'))
      throw new ApiError(
        400,
        'HTTPBadRequest',
        `Invalid input for routes. Reason: '${String(r.destination)}' is not a valid IP subnet.`,
      );
    out.push({ destination: canonical, nexthop: r.nexthop });
  }
  if (out.length === 0) return out;
  const { cidrs, ownIps } = await connected(db, router);
  for (const r of out) {
    if (!cidrs.some((c) => cidrContains(c, r.nexthop)))
      throw invalidRoutes(routes, 'the nexthop is not connected with router');
    if (ownIps.has(r.nexthop)) throw invalidRoutes(routes, 'the nexthop is used by router');
  }
  return out;
}

/** The CIDRs a router is on and its own addresses. */
async function connected(db: NetworkDb, router: RouterRow): Promise<{ cidrs: string[]; ownIps: Set<string> }> {
  const ports = await interfacePorts(db, router.id);
  const ips = ports.flatMap((p) => p.fixed_ips);
  const subnets = await subnetsByIds(
    db,
    ips.map((ip) => ip.subnet_id),
  );
  const cidrs = [...subnets.values()].map((s) => s.cidr);
  if (router.gw_port_id && router.gw_network_id) {
    cidrs.push(...(await subnetsOfNetwork(db, router.gw_network_id)).map((s) => s.cidr));
    ips.push(...((await fixedIpsOf(db, [router.gw_port_id])).get(router.gw_port_id) ?? []));
  }
  return { cidrs, ownIps: new Set(ips.map((ip) => ip.ip_address)) };
}

/** Routes whose nexthop lies in `cidr` (an interface being removed must not strand them). */
export function routesVia(router: RouterRow, cidr: string): Route[] {
  return (JSON.parse(router.routes) as Route[]).filter((r) => cidrContains(cidr, r.nexthop));
}
