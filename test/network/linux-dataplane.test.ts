import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { test } from 'node:test';
import { run } from '../../src/core/host/run.ts';
import type { DhcpSpec, PortSpec } from '../../src/network/drivers/dataplane.ts';
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
  strataLinks,
  uuid,
  vm,
} from './linux-fixture.ts';

const skip = await skipReason();
const CIDR = '10.91.0.0/24';

/** Two VMs on one network with DHCP and metadata, as the server would describe them. */
function tenant() {
  const net = network();
  const subnet = uuid();
  const ip = (n: number) => fixedIp(`10.91.0.${n}`, CIDR, '10.91.0.1', subnet);
  const a = port(net, [ip(10)], mac(0x10), [egressAny]);
  const b = port(net, [ip(11)], mac(0x11), [egressAny]);
  const dhcp: DhcpSpec = {
    network: net,
    subnets: [
      {
        id: subnet,
        cidr: CIDR,
        ip_version: 4,
        gateway_ip: '10.91.0.1',
        enable_dhcp: true,
        dns_nameservers: ['10.91.0.53'],
        host_routes: [],
        allocation_pools: [{ start: '10.91.0.2', end: '10.91.0.254' }],
      },
    ],
    hosts: [a, b].map((p) => ({
      port_id: p.id,
      mac_address: p.mac_address,
      ip_address: p.fixed_ips[0].ip_address,
      hostname: `vm-${p.fixed_ips[0].ip_address.split('.')[3]}`,
    })),
    dhcp_port: { id: uuid(), mac_address: mac(0x02), fixed_ips: [ip(2)] },
  };
  return { net, a, b, dhcp };
}

/** A UDP listener in a namespace; resolves with the sender's address of the first datagram, or '' on timeout. */
function udpListen(netns: string, portNo: number, ms: number): { ready: Promise<void>; got: Promise<string> } {
  const code = `const s=require('node:dgram').createSocket('udp4');s.on('message',(m,r)=>{console.log('FROM '+r.address);process.exit(0)});s.bind(${portNo},()=>console.log('READY'));setTimeout(()=>process.exit(3),${ms});`;
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', code]);
  let out = '';
  let ready!: () => void;
  const readyP = new Promise<void>((r) => {
    ready = r;
  });
  child.stdout.on('data', (d) => {
    out += String(d);
    if (out.includes('READY')) ready();
  });
  const got = new Promise<string>((resolve) => child.on('exit', () => resolve(/FROM (\S+)/.exec(out)?.[1] ?? '')));
  return { ready: readyP, got };
}

async function udpSend(netns: string, to: string, portNo: number, from?: string): Promise<void> {
  const bind = from ? `s.bind({address:'${from}'},send)` : 'send()';
  const code = `const s=require('node:dgram').createSocket('udp4');function send(){s.send('x',${portNo},'${to}',()=>s.close())};${bind};`;
  await run(process.execPath, ['-e', code], { netns });
}

test('linux dataplane: DHCP, default-deny ingress, stateful replies, anti-spoofing, metadata', { skip }, async (t) => {
  const h = await harness(t);
  const { net, a, b, dhcp } = tenant();
  const vmA = await vm(h, a);
  const vmB = await vm(h, b);

  // The fake metadata server, on the Unix socket the proxy forwards to.
  const seen: IncomingHttpHeaders[] = [];
  const md = createServer((req, res) => {
    seen.push(req.headers);
    res.end('instance-id\n');
  });
  await new Promise<void>((r) => md.listen(h.config.compute.metadataSocket, r));
  t.after(() => md.close());

  const desired = (ports: PortSpec[]) => ({
    host: h.host,
    networks: [net],
    ports,
    dhcp: [dhcp],
    routers: [],
    metadata: [{ network_id: net.id, router_id: null }],
  });
  const synced = await h.driver.sync(desired([a, b]));
  assert.deepEqual(synced.failed, []);
  assert.equal(synced.plugged[a.id].device, `tap${a.id.slice(0, 11)}`);
  assert.match(h.driver.describe(), /^linux \(namespace strata-host-t\w+, 1 bridges\)$/);

  // 1. DHCP hands out the port's address, the gateway, DNS, MTU and option 121 with the metadata route.
  const lease = await dhcpLease(h, vmA);
  assert.equal(lease.ip, '10.91.0.10');
  assert.equal(lease.router, '10.91.0.1');
  assert.equal(lease.dns, '10.91.0.53');
  assert.equal(lease.mtu, '1450');
  assert.match(lease.staticroutes ?? '', /169\.254\.169\.254\/32 10\.91\.0\.2 0\.0\.0\.0\/0 10\.91\.0\.1/);
  assert.equal((await dhcpLease(h, vmB)).ip, '10.91.0.11');

  await address(vmA, '10.91.0.10/24');
  await address(vmB, '10.91.0.11/24');
  await run('ip', ['-n', vmA, 'route', 'add', '169.254.169.254/32', 'via', '10.91.0.2']);

  // 2. Default-deny ingress: B has only egress rules, so A's ping gets no answer.
  assert.equal(await pings(vmA, '10.91.0.11'), false);

  // 3. A rule opens it; the reply passes A's filter statefully (A has no ingress rule at all).
  b.security_group_rules = [
    egressAny,
    rule({ protocol: 'icmp' }),
    rule({ protocol: 'udp', port_range_min: 5000, port_range_max: 5000 }),
  ];
  await h.driver.updatePortFilter(b);
  assert.equal(await pings(vmA, '10.91.0.11'), true);
  assert.equal(await pings(vmB, '10.91.0.10'), false, 'A still denies new ingress');

  // 3b. A stateless group on A: the replies to its pings need a rule of their own.
  const stateless = (r: ReturnType<typeof rule>) => ({ ...r, stateful: false });
  await h.driver.updatePortFilter({ ...a, security_group_rules: [stateless(egressAny)] });
  assert.equal(await pings(vmA, '10.91.0.11'), false, 'a stateless port gets no reply without an ingress rule');
  await h.driver.updatePortFilter({
    ...a,
    security_group_rules: [stateless(egressAny), stateless(rule({ protocol: 'icmp' }))],
  });
  assert.equal(await pings(vmA, '10.91.0.11'), true);
  await h.driver.updatePortFilter(a);

  // 4. Anti-spoofing: a datagram from an address A does not own never reaches B; its own address does.
  await run('ip', ['-n', vmA, 'addr', 'add', '10.91.0.99/24', 'dev', 'eth0']);
  await run('ip', ['-n', vmA, 'neigh', 'replace', '10.91.0.11', 'lladdr', b.mac_address, 'dev', 'eth0']);
  const spoofed = udpListen(vmB, 5000, 3000);
  await spoofed.ready;
  await udpSend(vmA, '10.91.0.11', 5000, '10.91.0.99');
  assert.equal(await spoofed.got, '', 'the spoofed datagram was delivered');
  const honest = udpListen(vmB, 5000, 3000);
  await honest.ready;
  await udpSend(vmA, '10.91.0.11', 5000, '10.91.0.10');
  assert.equal(await honest.got, '10.91.0.10');

  // 5. Metadata: the proxy in the DHCP namespace sets the guest's address and the network, over the client's.
  const got = await run(
    'busybox',
    [
      'wget',
      '-q',
      '-O',
      '-',
      '--header',
      'X-Forwarded-For: 10.91.0.11',
      'http://169.254.169.254/latest/meta-data/instance-id',
    ],
    { netns: vmA },
  );
  assert.equal(got.stdout, 'instance-id\n');
  assert.equal(seen.at(-1)?.['x-forwarded-for'], '10.91.0.10');
  assert.equal(seen.at(-1)?.['x-strata-network-id'], net.id);

  // 6. A sync without B unplugs it; an empty sync leaves nothing of ours behind.
  const without = await h.driver.sync(desired([a]));
  assert.deepEqual(without.failed, []);
  assert.ok(without.removed.includes(`tap${b.id.slice(0, 11)}`), without.removed.join(', '));
  await h.driver.sync({ host: h.host, networks: [], ports: [], dhcp: [], routers: [], metadata: [] });
  assert.deepEqual(await strataLinks(h.hostNs), []);
  const namespaces = (await run('ip', ['netns', 'list'])).stdout;
  assert.doesNotMatch(namespaces, new RegExp(`strata-dhcp-${net.id}`));
  // Nothing left to wire: the host namespace went too (the test's VMs' veths went with the taps).
  assert.doesNotMatch(namespaces, new RegExp(`${h.hostNs}\\b`));
  const procs = await run('pgrep', ['-f', h.tmp], { allowFail: true });
  assert.equal(procs.stdout.trim(), '', 'no dnsmasq or proxy of this host is left');
});
