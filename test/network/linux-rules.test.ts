import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { deleteNamespace, ensureNamespace } from '../../src/core/host/netns.ts';
import { isRoot, run } from '../../src/core/host/run.ts';
import type { DhcpSpec, RouterSpec } from '../../src/network/drivers/dataplane.ts';
import { dnsmasqArgs, dnsmasqFiles, hostsFile, optsFile } from '../../src/network/drivers/linux/dhcp-config.ts';
import { hostRuleset, ruleStatement } from '../../src/network/drivers/linux/port-rules.ts';
import { natRuleset } from '../../src/network/drivers/linux/router-nat.ts';
import { egressAny, fixedIp, mac, network, port, rule, uuid } from './linux-fixture.ts';

/** The text the linux dataplane hands nft and dnsmasq, checked without touching the host (and by `nft -c`). */
test('security group rules become nft rules that return on a match', () => {
  assert.deepEqual(ruleStatement(rule({ protocol: 'tcp', port_range_min: 22, port_range_max: 22 })), [
    'meta nfproto ipv4 tcp dport 22 return',
  ]);
  assert.deepEqual(
    ruleStatement(
      rule({ protocol: '17', port_range_min: 5000, port_range_max: 5010, remote_ip_prefixes: ['10.0.0.0/8'] }),
    ),
    ['meta nfproto ipv4 ip saddr { 10.0.0.0/8 } udp dport 5000-5010 return'],
  );
  assert.deepEqual(ruleStatement(rule({ protocol: 'icmp', port_range_min: 8, port_range_max: 0 })), [
    'meta nfproto ipv4 icmp type 8 icmp code 0 return',
  ]);
  assert.deepEqual(ruleStatement(rule({ ethertype: 'IPv6', protocol: 'ipv6-icmp', direction: 'egress' })), [
    'meta nfproto ipv6 meta l4proto ipv6-icmp return',
  ]);
  // A remote group with no members matches nothing; 0.0.0.0/0 is no restriction.
  assert.deepEqual(ruleStatement(rule({ remote_ip_prefixes: [] })), []);
  assert.deepEqual(ruleStatement(rule({ remote_ip_prefixes: ['0.0.0.0/0'] })), ['meta nfproto ipv4 return']);
  assert.deepEqual(ruleStatement(rule({ protocol: 'tcp; drop' })), [], 'nothing nft would misread');
});

test('port security off: no mark, no anti-spoofing, no chains', () => {
  const net = network();
  const open = {
    ...port(net, [fixedIp('10.1.0.5', '10.1.0.0/24', '10.1.0.1')], mac(5), []),
    port_security_enabled: false,
  };
  const text = hostRuleset([{ spec: open, index: 1 }], [net.id]);
  assert.doesNotMatch(text, new RegExp(`tap${open.id.slice(0, 11)}`));
  assert.match(text, new RegExp(`iifname "brq${net.id.slice(0, 11)}" ct zone set \\d+`));
});

test('allowed address pairs widen anti-spoofing', () => {
  const net = network();
  const p = port(net, [fixedIp('10.1.0.5', '10.1.0.0/24', '10.1.0.1')], mac(5), [egressAny]);
  p.allowed_address_pairs = [{ ip_address: '10.1.0.100/30', mac_address: mac(6) }];
  const text = hostRuleset([{ spec: p, index: 7 }], [net.id]);
  assert.match(text, /ether saddr != \{ fa:16:3e:00:00:05, fa:16:3e:00:00:06 \} drop/);
  assert.match(text, /ip saddr != \{ 10\.1\.0\.5, 10\.1\.0\.100\/30 \} drop/);
  assert.match(text, /meta mark & 0x0000ffff vmap \{ 0x00000007 : jump egress_/);
});

function dhcpSpec(): DhcpSpec {
  const net = network({ mtu: 1450 });
  const subnet = uuid();
  return {
    network: net,
    subnets: [
      {
        id: subnet,
        cidr: '10.5.0.0/24',
        ip_version: 4,
        gateway_ip: '10.5.0.1',
        enable_dhcp: true,
        dns_nameservers: ['8.8.8.8', '1.1.1.1'],
        host_routes: [{ destination: '192.168.7.0/24', nexthop: '10.5.0.254' }],
        allocation_pools: [],
      },
    ],
    hosts: [{ port_id: uuid(), mac_address: 'FA:16:3E:AA:BB:CC', ip_address: '10.5.0.9', hostname: 'My_VM' }],
    dhcp_port: { id: uuid(), mac_address: mac(2), fixed_ips: [fixedIp('10.5.0.2', '10.5.0.0/24', '10.5.0.1', subnet)] },
  };
}

test('dnsmasq: static range per subnet, hosts, and options 3, 6, 26, 121 and 249', () => {
  const spec = dhcpSpec();
  const s = spec.subnets[0];
  const args = dnsmasqArgs(spec, dnsmasqFiles('/d'));
  assert.ok(args.includes(`--dhcp-range=set:subnet-${s.id},10.5.0.0,static,255.255.255.0,86400s`));
  assert.ok(
    args.includes('--no-resolv') &&
      args.includes('--dhcp-hostsfile=/d/host') &&
      args.includes('--dhcp-optsfile=/d/opts'),
  );
  assert.equal(hostsFile(spec), 'fa:16:3e:aa:bb:cc,my-vm.openstacklocal,10.5.0.9\n');
  const opts = optsFile(spec).split('\n');
  const tag = `tag:subnet-${s.id}`;
  assert.ok(opts.includes(`${tag},option:router,10.5.0.1`));
  assert.ok(opts.includes(`${tag},option:dns-server,8.8.8.8,1.1.1.1`));
  assert.ok(opts.includes(`${tag},option:mtu,1450`));
  const routes = '169.254.169.254/32,10.5.0.2,192.168.7.0/24,10.5.0.254,0.0.0.0/0,10.5.0.1';
  assert.ok(opts.includes(`${tag},option:classless-static-route,${routes}`));
  assert.ok(opts.includes(`${tag},249,${routes}`));
});

function routerSpec(): RouterSpec {
  const ext = network({ external: true });
  const inner = network();
  return {
    id: uuid(),
    admin_state_up: true,
    interfaces: [
      {
        port_id: uuid(),
        mac_address: mac(1),
        network: inner,
        fixed_ips: [fixedIp('10.6.0.1', '10.6.0.0/24', '10.6.0.1')],
      },
    ],
    gateway: {
      port_id: uuid(),
      mac_address: mac(2),
      network: ext,
      fixed_ips: [fixedIp('172.24.4.7', '172.24.4.0/24', '172.24.4.1')],
      enable_snat: false,
    },
    routes: [],
    floating_ips: [{ id: uuid(), floating_ip_address: '172.24.4.30', fixed_ip_address: '10.6.0.5', port_id: uuid() }],
  };
}

test('router NAT: floating IPs both ways, SNAT of the rest only with enable_snat', () => {
  const r = routerSpec();
  const off = natRuleset(r);
  assert.match(off, /ip daddr 172\.24\.4\.30 dnat to 10\.6\.0\.5/);
  assert.match(off, /ip saddr 10\.6\.0\.5 snat to 172\.24\.4\.30/);
  assert.doesNotMatch(off, /snat to 172\.24\.4\.7/);
  if (r.gateway) r.gateway.enable_snat = true;
  assert.match(natRuleset(r), /ip saddr \{ 10\.6\.0\.0\/24 \} snat to 172\.24\.4\.7/);
});

test('the generated rulesets are valid nft (nft -c in a scratch namespace)', {
  skip: isRoot() ? false : 'needs root',
}, async (t) => {
  const ns = `strata-testnft-${randomUUID().slice(0, 8)}`;
  t.after(() => deleteNamespace(ns));
  await ensureNamespace(ns);
  const net = network();
  const p = port(
    net,
    [fixedIp('10.1.0.5', '10.1.0.0/24', '10.1.0.1'), { ...fixedIp('fd00::5', 'fd00::/64', 'fd00::1'), ip_version: 6 }],
    mac(5),
    [
      egressAny,
      rule({ ethertype: 'IPv6', direction: 'egress' }),
      rule({
        protocol: 'tcp',
        port_range_min: 22,
        port_range_max: 22,
        remote_ip_prefixes: ['10.1.0.7/32', '10.1.0.8/32'],
      }),
      rule({ protocol: 'icmp', port_range_min: 8, port_range_max: null }),
      rule({ ethertype: 'IPv6', protocol: 'ipv6-icmp', remote_ip_prefixes: ['fd00::/64'] }),
      rule({ protocol: 'gre' }),
      rule({ protocol: '112' }),
    ],
  );
  p.allowed_address_pairs = [{ ip_address: '10.1.0.100', mac_address: mac(6) }];
  const stateless = port(net, [fixedIp('10.1.0.6', '10.1.0.0/24', '10.1.0.1')], mac(7), [
    { ...egressAny, stateful: false },
  ]);
  const text = hostRuleset(
    [
      { spec: p, index: 3 },
      { spec: stateless, index: 4 },
    ],
    [net.id],
  );
  // The stateless port's chains come before the established-flow accept, the stateful one's after.
  assert.ok(text.indexOf('0x00000004 : jump') < text.indexOf('ct state established'));
  assert.ok(text.indexOf('0x00000003 : jump') > text.indexOf('ct state established'));
  await run('nft', ['-c', '-f', '-'], { netns: ns, input: text });
  await run('nft', ['-c', '-f', '-'], { netns: ns, input: natRuleset(routerSpec()) });
});
