import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { run } from '../../src/core/host/run.ts';
import type { RouterSpec } from '../../src/network/drivers/dataplane.ts';
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
  strataLinks,
  uuid,
  vm,
} from './linux-fixture.ts';

const skip = await skipReason();

/** A TCP listener in a namespace answering each connection with the peer's address it saw. */
function echoPeer(netns: string, portNo: number) {
  const code = `require('node:net').createServer((c)=>c.end(c.remoteAddress+'\\n')).listen(${portNo},'0.0.0.0',()=>console.log('READY'));`;
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', code]);
  const ready = new Promise<void>((r) => child.stdout.on('data', (d) => String(d).includes('READY') && r()));
  return { ready, stop: () => child.kill() };
}

async function peerSeenBy(netns: string, host: string, portNo: number): Promise<string> {
  const code = `const c=require('node:net').connect(${portNo},'${host}');let s='';c.on('data',(d)=>s+=d);c.on('end',()=>{process.stdout.write(s);});c.setTimeout(3000,()=>process.exit(4));`;
  return (await run(process.execPath, ['-e', code], { netns, allowFail: true })).stdout.trim();
}

test('linux dataplane: a router SNATs to the external bridge and a floating IP DNATs from a client namespace', {
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
  const tenantNet = network();
  const extSubnet = uuid();
  const subnet = uuid();
  const vmPort = port(tenantNet, [fixedIp('10.92.0.10', '10.92.0.0/24', '10.92.0.1', subnet)], mac(0x20), [
    egressAny,
    rule({ protocol: 'icmp' }),
    rule({ protocol: 'tcp', port_range_min: 7000, port_range_max: 7000 }),
  ]);
  const router: RouterSpec = {
    id: uuid(),
    admin_state_up: true,
    interfaces: [
      {
        port_id: uuid(),
        mac_address: mac(0x21),
        network: tenantNet,
        fixed_ips: [fixedIp('10.92.0.1', '10.92.0.0/24', '10.92.0.1', subnet)],
      },
    ],
    gateway: {
      port_id: uuid(),
      mac_address: mac(0x22),
      network: ext,
      fixed_ips: [fixedIp('172.24.4.5', '172.24.4.0/24', '172.24.4.1', extSubnet)],
      enable_snat: true,
    },
    routes: [],
    floating_ips: [],
  };
  const floatingIp = {
    id: uuid(),
    floating_ip_address: '172.24.4.20',
    fixed_ip_address: '10.92.0.10',
    port_id: vmPort.id,
  };
  const guest = await vm(h, vmPort);
  const clientName = h.host;
  t.after(() => deleteClientNamespace(h.hostNs, clientName));

  // The router's own ports are bound to the L3 host as well: the driver must leave their veths unfiltered.
  const routerPorts = [router.interfaces[0], router.gateway!].map((i) => ({
    ...port(i.network, i.fixed_ips, i.mac_address, []),
    id: i.port_id,
    device_owner: i === router.gateway ? 'network:router_gateway' : 'network:router_interface',
  }));
  const synced = await h.driver.sync({
    host: h.host,
    networks: [ext, tenantNet],
    ports: [vmPort, ...routerPorts],
    dhcp: [],
    routers: [router],
    metadata: [],
  });
  assert.deepEqual(synced.failed, []);
  await address(guest, '10.92.0.10/24', '10.92.0.1');
  const client = await ensureClientNamespace({
    hostNs: h.hostNs,
    bridge: bridgeName(ext.id),
    name: clientName,
    address: '172.24.4.3/24',
  });
  h.own.push(client.netns);

  // SNAT: the guest reaches the client, which has no route to 10.92.0.0/24 and sees the router's address.
  const clientEcho = echoPeer(client.netns, 7001);
  t.after(clientEcho.stop);
  await clientEcho.ready;
  assert.equal(await pings(guest, '172.24.4.3'), true);
  assert.equal(await peerSeenBy(guest, '172.24.4.3', 7001), '172.24.4.5');

  // Floating IP: once associated, the client reaches the guest at 172.24.4.20, the guest sees the client's own address.
  assert.equal(await pings(client.netns, '172.24.4.20'), false);
  router.floating_ips = [floatingIp];
  await h.driver.ensureRouter(router);
  const guestEcho = echoPeer(guest, 7000);
  t.after(guestEcho.stop);
  await guestEcho.ready;
  assert.equal(await pings(client.netns, '172.24.4.20'), true);
  assert.equal(await peerSeenBy(client.netns, '172.24.4.20', 7000), '172.24.4.3');

  // The guest's own outbound traffic leaves as its floating IP, not the router's.
  assert.equal(await peerSeenBy(guest, '172.24.4.3', 7001), '172.24.4.20');

  // Hairpin: a neighbour on the same network reaches the guest by its floating IP (seen as the router).
  const neighbourPort = port(tenantNet, [fixedIp('10.92.0.11', '10.92.0.0/24', '10.92.0.1', subnet)], mac(0x23), [
    egressAny,
  ]);
  const neighbour = await vm(h, neighbourPort);
  await h.driver.plugPort(neighbourPort);
  await address(neighbour, '10.92.0.11/24', '10.92.0.1');
  assert.equal(await peerSeenBy(neighbour, '172.24.4.20', 7000), '10.92.0.1');
  await h.driver.unplugPort({ id: neighbourPort.id, network_id: tenantNet.id });

  // A port forwarding: 172.24.4.21:2200 reaches the guest's port 7000 (the address answers ARP on qg).
  router.port_forwardings = [
    {
      floating_ip_address: '172.24.4.21',
      protocol: 'tcp',
      internal_ip_address: '10.92.0.10',
      internal_port_start: 7000,
      internal_port_end: 7000,
      external_port_start: 2200,
      external_port_end: 2200,
    },
  ];
  await h.driver.ensureRouter(router);
  assert.equal(await peerSeenBy(client.netns, '172.24.4.21', 2200), '172.24.4.3');
  router.port_forwardings = [];

  // A static route is installed; removing the floating IP takes its address and NAT away.
  router.routes = [{ destination: '10.93.0.0/24', nexthop: '10.92.0.50' }];
  router.floating_ips = [];
  await h.driver.ensureRouter(router);
  const routes = await run('ip', ['-n', `strata-router-${router.id}`, 'route', 'show', 'proto', 'static']);
  assert.match(routes.stdout, /10\.93\.0\.0\/24 via 10\.92\.0\.50/);
  assert.equal(await pings(client.netns, '172.24.4.20'), false);

  await h.driver.removeRouter(router.id);
  assert.doesNotMatch((await run('ip', ['netns', 'list'])).stdout, new RegExp(`strata-router-${router.id}`));
  await deleteClientNamespace(h.hostNs, clientName);
  await h.driver.sync({ host: h.host, networks: [], ports: [], dhcp: [], routers: [], metadata: [] });
  assert.deepEqual(await strataLinks(h.hostNs), []);
});
