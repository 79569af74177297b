import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run } from '../../src/core/host/run.ts';
import type { NetworkSpec, PortSpec, RouterSpec } from '../../src/network/drivers/dataplane.ts';
import { deleteClientNamespace, ensureClientNamespace } from '../../src/network/drivers/linux/client-namespace.ts';
import { bridgeName } from '../../src/network/drivers/linux/names.ts';
import {
  address,
  egressAny,
  fixedIp,
  harness,
  mac,
  network,
  pings,
  port,
  rule,
  skipReason,
  uuid,
  vm,
} from './linux-fixture.ts';

const skip = await skipReason();

/**
 * Tempest's scenario run keeps one client namespace on the external bridge for the whole run while each test
 * makes and deletes its own router. When the external bridge went with the last router on it, the client's
 * veth was left outside the bridge re-made for the next router, and every later test lost its floating IPs
 * ("Public network connectivity check failed"). The external network's bridge must outlive its routers.
 */
test('linux dataplane: the external bridge outlives its last router, a long-lived client reaches the next router', {
  skip,
}, async (t) => {
  const h = await harness(t);
  const ext = network({
    external: true,
    network_type: 'flat',
    physical_network: 'public',
    segmentation_id: null,
    mtu: 1500,
  });
  const extSubnet = uuid();
  const routerFor = (net: NetworkSpec, subnet: string, gwIp: string, n: number): RouterSpec => ({
    id: uuid(),
    admin_state_up: true,
    interfaces: [
      {
        port_id: uuid(),
        mac_address: mac(n),
        network: net,
        fixed_ips: [fixedIp('10.100.0.1', '10.100.0.0/28', '10.100.0.1', subnet)],
      },
    ],
    gateway: {
      port_id: uuid(),
      mac_address: mac(n + 1),
      network: ext,
      fixed_ips: [fixedIp(gwIp, '172.24.4.0/24', '172.24.4.1', extSubnet)],
      enable_snat: true,
    },
    routes: [],
    floating_ips: [],
  });
  const routerPorts = (r: RouterSpec): PortSpec[] =>
    [r.interfaces[0], r.gateway!].map((i) => ({
      ...port(i.network, i.fixed_ips, i.mac_address, []),
      id: i.port_id,
      device_owner: i === r.gateway ? 'network:router_gateway' : 'network:router_interface',
    }));
  const guestPort = (net: NetworkSpec, subnet: string, n: number) =>
    port(net, [fixedIp('10.100.0.2', '10.100.0.0/28', '10.100.0.1', subnet)], mac(n), [
      egressAny,
      rule({ protocol: 'icmp' }),
    ]);

  // First test: its network, router and floating IP; the run's client namespace joins the external bridge.
  const netA = network();
  const subA = uuid();
  const routerA = routerFor(netA, subA, '172.24.4.10', 0x30);
  const portA = guestPort(netA, subA, 0x32);
  const guestA = await vm(h, portA);
  const synced = await h.driver.sync({
    host: h.host,
    networks: [ext, netA],
    ports: [portA, ...routerPorts(routerA)],
    dhcp: [],
    routers: [routerA],
    metadata: [],
  });
  assert.deepEqual(synced.failed, []);
  await address(guestA, '10.100.0.2/28', '10.100.0.1');
  const clientName = h.host;
  t.after(() => deleteClientNamespace(h.hostNs, clientName));
  const client = await ensureClientNamespace({
    hostNs: h.hostNs,
    bridge: bridgeName(ext.id),
    name: clientName,
    address: '172.24.4.1/24',
  });
  h.own.push(client.netns);
  routerA.floating_ips = [
    { id: uuid(), floating_ip_address: '172.24.4.11', fixed_ip_address: '10.100.0.2', port_id: portA.id },
  ];
  await h.driver.ensureRouter(routerA);
  assert.equal(await pings(client.netns, '172.24.4.11'), true, 'the first floating IP answers');

  // Its cleanup: the guest's port, the router (the only one on the external network) and the network go.
  await h.driver.unplugPort({ id: portA.id, network_id: netA.id });
  await h.driver.removeRouter(routerA.id);
  await h.driver.removeNetwork(netA.id);
  const master = await run('ip', ['-n', h.hostNs, '-j', 'link', 'show', 'dev', `stc-${clientName}`.slice(0, 15)]);
  assert.equal(
    JSON.parse(master.stdout)[0]?.master,
    bridgeName(ext.id),
    "the client's veth is still on the external bridge",
  );

  // Next test: a new network and router (same tenant CIDR, the freed addresses again), the same client.
  const netB = network();
  const subB = uuid();
  const routerB = routerFor(netB, subB, '172.24.4.12', 0x40);
  const portB = guestPort(netB, subB, 0x42);
  const guestB = await vm(h, portB);
  await h.driver.plugPort(portB);
  routerB.floating_ips = [
    { id: uuid(), floating_ip_address: '172.24.4.11', fixed_ip_address: '10.100.0.2', port_id: portB.id },
  ];
  await h.driver.ensureRouter(routerB);
  await address(guestB, '10.100.0.2/28', '10.100.0.1');
  assert.equal(await pings(client.netns, '172.24.4.11'), true, "the next test's floating IP answers the same client");

  // Tempest's test_update_router_admin_state: a router set down is applied without error and answers nothing,
  // set up again it answers (its default route needs its links up, so is only put back then).
  routerB.admin_state_up = false;
  await h.driver.ensureRouter(routerB);
  assert.equal(await pings(client.netns, '172.24.4.11'), false, 'a router set down answers nothing');
  routerB.admin_state_up = true;
  await h.driver.ensureRouter(routerB);
  assert.equal(await pings(client.netns, '172.24.4.11'), true, 'set up again, the floating IP answers');
});
