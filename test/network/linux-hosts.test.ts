import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run } from '../../src/core/host/run.ts';
import type { DhcpSpec } from '../../src/network/drivers/dataplane.ts';
import {
  address,
  dhcpLease,
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

const patches = async (ns: string) =>
  (await run('ip', ['-n', ns, '-br', 'link'], { allowFail: true })).stdout
    .split('\n')
    .filter((l) => l.startsWith('pt-'));

/** Three hosts on one machine: one network's bridges joined in a star, DHCP on one host serving the others. */
test('linux dataplane: hosts on one machine share a network (DHCP across hosts, no loop)', { skip }, async (t) => {
  const [a, b, c] = [await harness(t), await harness(t), await harness(t)];
  const net = network();
  const subnet = uuid();
  const ip = (n: number) => fixedIp(`10.95.0.${n}`, '10.95.0.0/24', '10.95.0.1', subnet);
  const pb = port(net, [ip(11)], mac(0x41), [egressAny, rule({ protocol: 'icmp' })]);
  const pc = port(net, [ip(12)], mac(0x42), [egressAny, rule({ protocol: 'icmp' })]);
  const dhcp: DhcpSpec = {
    network: net,
    subnets: [
      {
        id: subnet,
        cidr: '10.95.0.0/24',
        ip_version: 4,
        gateway_ip: '10.95.0.1',
        enable_dhcp: true,
        dns_nameservers: [],
        host_routes: [],
        allocation_pools: [],
      },
    ],
    hosts: [pb, pc].map((p) => ({
      port_id: p.id,
      mac_address: p.mac_address,
      ip_address: p.fixed_ips[0].ip_address,
      hostname: 'vm',
    })),
    dhcp_port: { id: uuid(), mac_address: mac(0x40), fixed_ips: [ip(2)] },
  };
  const none = { ports: [], dhcp: [], routers: [], metadata: [] };
  assert.deepEqual((await a.driver.sync({ ...none, host: a.host, networks: [net], dhcp: [dhcp] })).failed, []);
  const vmB = await vm(b, pb);
  const vmC = await vm(c, pc);
  assert.deepEqual((await b.driver.sync({ ...none, host: b.host, networks: [net], ports: [pb] })).failed, []);
  assert.deepEqual((await c.driver.sync({ ...none, host: c.host, networks: [net], ports: [pc] })).failed, []);

  assert.equal((await dhcpLease(b, vmB)).ip, '10.95.0.11');
  assert.equal((await dhcpLease(c, vmC)).ip, '10.95.0.12');
  await address(vmB, '10.95.0.11/24');
  await address(vmC, '10.95.0.12/24');
  assert.equal(await pings(vmB, '10.95.0.12'), true);

  // A star: the first namespace by name is the hub with two patches, each other host has one.
  const counts = await Promise.all([a, b, c].map(async (h) => ({ ns: h.hostNs, n: (await patches(h.hostNs)).length })));
  counts.sort((x, y) => (x.ns < y.ns ? -1 : 1));
  assert.deepEqual(
    counts.map((x) => x.n),
    [2, 1, 1],
  );

  // Host C drops the network: its patch goes, the others keep theirs.
  assert.deepEqual((await c.driver.sync({ ...none, host: c.host, networks: [], ports: [] })).failed, []);
  assert.deepEqual(await patches(c.hostNs), []);
  assert.equal(await pings(vmB, '10.95.0.2'), true, 'B still reaches the DHCP port on A');
});
