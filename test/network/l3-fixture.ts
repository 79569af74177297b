import assert from 'node:assert/strict';
import type { CallResult, TestCloud } from '../helpers/cloud.ts';

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
    async router(token: string, body: Record<string, unknown> = {}): Promise<Record<string, any>> {
      return (await ok(net(token, 'POST', '/routers', { router: body }), 201)).router;
    },
  };
}
