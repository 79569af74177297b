import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { run } from '../../src/core/host/run.ts';
import type { DesiredState } from '../../src/network/drivers/dataplane.ts';

import { createDataplane } from '../../src/network/drivers/select.ts';
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

test('linux dataplane: a restart keeps guests wired and adopts dnsmasq and the metadata proxy', { skip }, async (t) => {
  const h = await harness(t);
  const net = network();
  const subnet = uuid();
  const ip = (n: number) => fixedIp(`10.94.0.${n}`, '10.94.0.0/24', '10.94.0.1', subnet);
  const a = port(net, [ip(10)], mac(0x30), [egressAny, rule({ protocol: 'icmp' })]);
  const b = port(net, [ip(11)], mac(0x31), [egressAny, rule({ protocol: 'icmp' })]);
  const desired: DesiredState = {
    host: h.host,
    networks: [net],
    ports: [a, b],
    dhcp: [
      {
        network: net,
        subnets: [
          {
            id: subnet,
            cidr: '10.94.0.0/24',
            ip_version: 4,
            gateway_ip: '10.94.0.1',
            enable_dhcp: true,
            dns_nameservers: [],
            host_routes: [],
            allocation_pools: [],
          },
        ],
        hosts: [],
        dhcp_port: { id: uuid(), mac_address: mac(0x32), fixed_ips: [ip(2)] },
      },
    ],
    routers: [],
    metadata: [{ network_id: net.id, router_id: null }],
  };
  const vmA = await vm(h, a);
  await vm(h, b);
  assert.deepEqual((await h.driver.sync(desired)).failed, []);
  await address(vmA, '10.94.0.10/24');
  const vmB = `strata-testvm-${b.id.slice(0, 8)}`;
  await address(vmB, '10.94.0.11/24');
  assert.equal(await pings(vmA, '10.94.0.11'), true);

  const stateDir = `${h.config.dataDir}/network/${h.host}`;
  const pidOf = async (file: string) => (await readFile(file, 'utf8')).trim();
  const dnsmasq = await pidOf(`${stateDir}/dhcp/${net.id}/dnsmasq.pid`);
  const proxy = await pidOf(`${stateDir}/metadata/${net.id}.pid`);

  // A clean stop: everything stays, guests keep talking.
  await h.driver.stop();
  assert.equal(await pings(vmA, '10.94.0.11'), true);

  // The next process's driver ('auto' picks linux here) adopts it all without restarting the helpers.
  const next = createDataplane({ ...h.config, drivers: 'auto', network: { ...h.config.network, dataplane: 'auto' } });
  await next.start(h.host);
  assert.match(next.describe(), /^linux \(namespace /);
  const synced = await next.sync(desired);
  assert.deepEqual(synced.failed, []);
  assert.deepEqual(synced.removed, []);
  assert.equal(await pidOf(`${stateDir}/dhcp/${net.id}/dnsmasq.pid`), dnsmasq);
  assert.equal(await pidOf(`${stateDir}/metadata/${net.id}.pid`), proxy);
  assert.equal(await pings(vmA, '10.94.0.11'), true);
  // And it still filters: B's icmp rule gone, A's ping is refused.
  await next.updatePortFilter({ ...b, security_group_rules: [egressAny] });
  assert.equal(await pings(vmA, '10.94.0.11'), false);
  const tables = await run('nft', ['list', 'tables'], { netns: h.hostNs });
  assert.match(tables.stdout, /table bridge strata_ports/);
  // The harness tears down through its own (stopped) driver; this one forgets its state the same way.
  await next.stop();
});
