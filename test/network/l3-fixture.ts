import assert from 'node:assert/strict';
import { type CallResult, startCloud, type TestCloud } from '../helpers/cloud.ts';
import { createMember, type Member } from '../identity/member-fixture.ts';

/** Calls for the router, floating IP and port forwarding tests: one external network and tenant topologies. */
export function l3Client(cloud: TestCloud) {
  const net = (token: string, method: string, path: string, body?: unknown): Promise<CallResult> =>
    cloud.call(method, `/networking/v2.0${path}`, { token, body });
  const ok = async (res: Promise<CallResult>, status: number): Promise<Record<string, any>> => {
    const r = await res;
    assert.equal(r.status, status, JSON.stringify(r.body));
    return r.body;
  };
  return {
    net,
    ok,
    /** An external network (admin) with an IPv4 subnet. */
    async externalNetwork(cidr: string): Promise<{ networkId: string; subnetId: string }> {
      const n = await ok(
        net(cloud.adminToken, 'POST', '/networks', { network: { name: 'public', 'router:external': true } }),
        201,
      );
      const s = await ok(
        net(cloud.adminToken, 'POST', '/subnets', {
          subnet: { network_id: n.network.id, cidr, ip_version: 4, enable_dhcp: false },
        }),
        201,
      );
      return { networkId: n.network.id, subnetId: s.subnet.id };
    },
    /** A tenant network with one IPv4 subnet. */
    async tenantNetwork(
      token: string,
      cidr: string,
    ): Promise<{ networkId: string; subnetId: string; gateway: string }> {
      const n = await ok(net(token, 'POST', '/networks', { network: { name: `n-${cidr}` } }), 201);
      const s = await ok(
        net(token, 'POST', '/subnets', { subnet: { network_id: n.network.id, cidr, ip_version: 4 } }),
        201,
      );
      return { networkId: n.network.id, subnetId: s.subnet.id, gateway: s.subnet.gateway_ip };
    },
    async port(token: string, networkId: string, extra: Record<string, unknown> = {}): Promise<Record<string, any>> {
      return (await ok(net(token, 'POST', '/ports', { port: { network_id: networkId, ...extra } }), 201)).port;
    },
    async floatingIp(token: string, body: Record<string, unknown>): Promise<Record<string, any>> {
      return (await ok(net(token, 'POST', '/floatingips', { floatingip: body }), 201)).floatingip;
    },
    async router(token: string, body: Record<string, unknown> = {}): Promise<Record<string, any>> {
      return (await ok(net(token, 'POST', '/routers', { router: body }), 201)).router;
    },
  };
}

export type L3Client = ReturnType<typeof l3Client>;

/** A cloud where `<prefix>-alice` has a network joined by her router to an external network. */
export interface RoutedCloud {
  cloud: TestCloud;
  alice: Member;
  l3: L3Client;
  ext: { networkId: string; subnetId: string };
  inside: { networkId: string; subnetId: string; gateway: string };
  router: Record<string, any>;
}

/** Starts a cloud with the routed topology the floating IP and port forwarding tests share. */
export async function startRoutedCloud(prefix: string, cidrs: { ext: string; inside: string }): Promise<RoutedCloud> {
  const cloud = await startCloud();
  const alice = await createMember(cloud, `${prefix}-alice`);
  const l3 = l3Client(cloud);
  const ext = await l3.externalNetwork(cidrs.ext);
  const inside = await l3.tenantNetwork(alice.token, cidrs.inside);
  const router = await l3.router(alice.token, { external_gateway_info: { network_id: ext.networkId } });
  await l3.ok(
    l3.net(alice.token, 'PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: inside.subnetId }),
    200,
  );
  return { cloud, alice, l3, ext, inside, router };
}
