import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryBus } from '../../src/core/bus/memory-bus.ts';
import { SERVER_TOPIC, ServerMethod } from '../../src/network/agent/rpc.ts';
import type { DesiredState } from '../../src/network/drivers/dataplane.ts';
import { startCloud } from '../helpers/cloud.ts';
import { l3Client } from './l3-fixture.ts';

const HOST = 'l3-desired';

/**
 * The server side the linux dataplane needs, through the agent RPC of a real cloud (noop dataplane): routers
 * resolved for the L3 host, and a DHCP port allocated once per DHCP network when the agent asks for it.
 */
test('desired state: routers with interfaces, gateway, routes and floating IPs; DHCP ports allocated once', async (t) => {
  const bus = createMemoryBus();
  const cloud = await startCloud(t, { network: { host: HOST } }, { bus });
  const l3 = l3Client(cloud);
  const admin = cloud.adminToken;
  const ext = await l3.externalNetwork('172.24.9.0/24');
  const inside = await l3.tenantNetwork(admin, '10.77.0.0/24');
  const router = await l3.router(admin, { external_gateway_info: { network_id: ext.networkId } });
  await l3.ok(l3.net(admin, 'PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: inside.subnetId }), 200);
  await l3.ok(
    l3.net(admin, 'PUT', `/routers/${router.id}`, {
      router: { routes: [{ destination: '10.78.0.0/24', nexthop: '10.77.0.50' }] },
    }),
    200,
  );
  const vmPort = await l3.port(admin, inside.networkId);
  const fip = await l3.floatingIp(admin, { floating_network_id: ext.networkId, port_id: vmPort.id });

  const sync = (allocate: boolean) =>
    bus.call<DesiredState>({ topic: SERVER_TOPIC }, ServerMethod.syncState, {
      host: HOST,
      ...(allocate && { allocate_dhcp_ports: true }),
    });

  const plain = await sync(false);
  assert.equal(plain.dhcp.find((d) => d.network.id === inside.networkId)?.dhcp_port, undefined, 'noop agents get none');

  const state = await sync(true);
  const spec = state.routers.find((r) => r.id === router.id);
  assert.ok(spec, 'the router is in the L3 host state');
  assert.equal(spec.interfaces.length, 1);
  assert.equal(spec.interfaces[0].network.id, inside.networkId);
  assert.equal(spec.interfaces[0].fixed_ips[0].ip_address, inside.gateway);
  assert.equal(spec.gateway?.network.id, ext.networkId);
  assert.equal(spec.gateway?.network.external, true);
  assert.equal(spec.gateway?.enable_snat, true);
  assert.equal(spec.gateway?.fixed_ips[0].gateway_ip, '172.24.9.1');
  assert.deepEqual(spec.routes, [{ destination: '10.78.0.0/24', nexthop: '10.77.0.50' }]);
  assert.deepEqual(spec.floating_ips, [
    {
      id: fip.id,
      floating_ip_address: fip.floating_ip_address,
      fixed_ip_address: vmPort.fixed_ips[0].ip_address,
      port_id: vmPort.id,
    },
  ]);
  assert.deepEqual(spec.port_forwardings, []);
  // A port forwarding of another floating IP (unassociated, held by the router) is part of the router too.
  const pfIp = await l3.floatingIp(admin, { floating_network_id: ext.networkId });
  const inner = await l3.port(admin, inside.networkId);
  await l3.ok(
    l3.net(admin, 'POST', `/floatingips/${pfIp.id}/port_forwardings`, {
      port_forwarding: {
        internal_port_id: inner.id,
        internal_ip_address: inner.fixed_ips[0].ip_address,
        internal_port: 22,
        external_port: 2222,
        protocol: 'tcp',
      },
    }),
    201,
  );
  const forwarded = (await sync(false)).routers.find((r) => r.id === router.id);
  assert.deepEqual(forwarded?.port_forwardings, [
    {
      floating_ip_address: pfIp.floating_ip_address,
      protocol: 'tcp',
      internal_ip_address: inner.fixed_ips[0].ip_address,
      internal_port_start: 22,
      internal_port_end: 22,
      external_port_start: 2222,
      external_port_end: 2222,
    },
  ]);
  // The networks the router touches come with it, so the host keeps their bridges.
  for (const id of [ext.networkId, inside.networkId]) assert.ok(state.networks.some((n) => n.id === id));

  const dhcp = state.dhcp.find((d) => d.network.id === inside.networkId);
  assert.ok(dhcp?.dhcp_port, 'a DHCP port was allocated');
  assert.equal(dhcp.dhcp_port.fixed_ips[0].subnet_id, inside.subnetId);
  assert.ok(!dhcp.hosts.some((h) => h.port_id === dhcp.dhcp_port?.id), 'the DHCP port is not a hosts entry');
  assert.ok(dhcp.hosts.some((h) => h.port_id === vmPort.id));

  await sync(true);
  const ports = await l3.ok(
    l3.net(admin, 'GET', `/ports?network_id=${inside.networkId}&device_owner=network:dhcp`),
    200,
  );
  assert.equal(ports.ports.length, 1, 'a second sync makes no second DHCP port');
  assert.equal(ports.ports[0]['binding:host_id'], HOST);

  // A DHCP subnet added later: the same port gets an address on it.
  const second = await l3.ok(
    l3.net(admin, 'POST', '/subnets', {
      subnet: { network_id: inside.networkId, cidr: '10.76.0.0/24', ip_version: 4 },
    }),
    201,
  );
  const grown = (await sync(true)).dhcp.find((d) => d.network.id === inside.networkId);
  assert.equal(grown?.dhcp_port?.id, dhcp.dhcp_port.id);
  assert.deepEqual(
    grown?.dhcp_port?.fixed_ips.map((f) => f.subnet_id).sort(),
    [inside.subnetId, second.subnet.id].sort(),
  );

  // The router's own state, narrowed as the agent asks for one router.
  const one = await bus.call<DesiredState>({ topic: SERVER_TOPIC }, ServerMethod.syncState, {
    host: HOST,
    only: { router_ids: [router.id], port_ids: [] },
  });
  assert.deepEqual(
    one.routers.map((r) => r.id),
    [router.id],
  );
  assert.deepEqual(one.ports, []);
});
