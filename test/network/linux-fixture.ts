import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { type Config, loadConfig } from '../../src/core/config.ts';
import { deleteNamespace, ensureNamespace, listNamespaces } from '../../src/core/host/netns.ts';
import { run } from '../../src/core/host/run.ts';
import type { FixedIpSpec, NetworkSpec, PortSpec, SecurityRuleSpec } from '../../src/network/drivers/dataplane.ts';
import { createLinuxDataplane, type LinuxDataplane } from '../../src/network/drivers/linux/index.ts';
import { tapName } from '../../src/network/drivers/linux/names.ts';
import { linuxUnavailable } from '../../src/network/drivers/select.ts';

/**
 * What the linux dataplane tests share: a driver on a host of its own (unique name per test), desired-state
 * builders, and "VMs" as namespaces whose eth0 is a veth named as the port's tap in the host namespace
 * (a tap needs a process holding it to carry traffic; the driver takes any device of that name).
 * Everything is removed in `t.after`, also when the test fails.
 */
export async function skipReason(): Promise<string | undefined> {
  const why = await linuxUnavailable();
  if (why) return `linux dataplane tests need root with ip, nft and dnsmasq (${why})`;
  if ((await run('busybox', ['true'], { allowFail: true })).code !== 0) return 'needs busybox (udhcpc, ping, wget)';
  return undefined;
}

export interface Harness {
  host: string;
  hostNs: string;
  config: Config;
  driver: LinuxDataplane;
  /** Namespaces the test made (VMs, clients) beside the driver's. */
  own: string[];
  tmp: string;
}

export async function harness(t: TestContext): Promise<Harness> {
  const host = `t${randomUUID().slice(0, 6)}`;
  const tmp = await mkdtemp(join(tmpdir(), 'strata-linux-'));
  const config = await loadConfig({
    dataDir: tmp,
    env: {},
    values: { compute: { metadataSocket: join(tmp, 'md.sock') } },
  });
  const driver = createLinuxDataplane(config);
  const h: Harness = { host, hostNs: `strata-host-${host}`, config, driver, own: [], tmp };
  t.after(async () => {
    await driver.teardown().catch(() => {});
    for (const ns of h.own) await deleteNamespace(ns);
    // Belt and braces: whatever the driver may have left under this host's names.
    for (const ns of await listNamespaces()) if (ns === h.hostNs) await deleteNamespace(ns);
    await rm(tmp, { recursive: true, force: true });
  });
  await driver.start(host);
  return h;
}

export const uuid = (): string => randomUUID();

export function network(over: Partial<NetworkSpec> = {}): NetworkSpec {
  return {
    id: uuid(),
    network_type: 'vxlan',
    physical_network: null,
    segmentation_id: 1000 + Math.floor(Math.random() * 1000),
    mtu: 1450,
    admin_state_up: true,
    external: false,
    ...over,
  };
}

export function fixedIp(ip: string, cidr: string, gateway: string | null, subnetId = 'subnet'): FixedIpSpec {
  return { subnet_id: subnetId, ip_address: ip, cidr, ip_version: 4, gateway_ip: gateway };
}

export const mac = (n: number): string => `fa:16:3e:00:00:${n.toString(16).padStart(2, '0')}`;

export function rule(over: Partial<SecurityRuleSpec>): SecurityRuleSpec {
  return {
    direction: 'ingress',
    ethertype: 'IPv4',
    protocol: null,
    port_range_min: null,
    port_range_max: null,
    remote_ip_prefixes: null,
    security_group_id: 'sg',
    stateful: true,
    ...over,
  };
}

export const egressAny = rule({ direction: 'egress' });

export function port(net: NetworkSpec, ips: FixedIpSpec[], macAddress: string, rules: SecurityRuleSpec[]): PortSpec {
  return {
    id: uuid(),
    network: net,
    mac_address: macAddress,
    fixed_ips: ips,
    admin_state_up: true,
    device_id: uuid(),
    device_owner: 'compute:nova',
    port_security_enabled: true,
    allowed_address_pairs: [],
    security_group_ids: ['sg'],
    security_group_rules: rules,
    binding_profile: {},
    vnic_type: 'normal',
  };
}

/** A "VM": namespace with eth0 (the port's MAC), its other end `tap<port>` in the host namespace. */
export async function vm(h: Harness, p: PortSpec): Promise<string> {
  const netns = `strata-testvm-${p.id.slice(0, 8)}`;
  h.own.push(netns);
  await ensureNamespace(netns);
  await run('ip', [
    '-n',
    h.hostNs,
    'link',
    'add',
    tapName(p.id),
    'type',
    'veth',
    'peer',
    'name',
    'eth0',
    'netns',
    netns,
  ]);
  await run('ip', ['-n', netns, 'link', 'set', 'eth0', 'address', p.mac_address, 'mtu', String(p.network.mtu), 'up']);
  return netns;
}

/** Configures a VM's address and routes statically (when DHCP is not what the test is about). */
export async function address(netns: string, cidr: string, gateway?: string): Promise<void> {
  await run('ip', ['-n', netns, 'addr', 'add', cidr, 'dev', 'eth0']);
  if (gateway) await run('ip', ['-n', netns, 'route', 'add', 'default', 'via', gateway]);
}

/** Whether one ping from the namespace gets an answer. */
export async function pings(netns: string, target: string, extra: string[] = []): Promise<boolean> {
  const out = await run('busybox', ['ping', '-c', '1', '-W', '2', ...extra, target], { netns, allowFail: true });
  return out.code === 0;
}

/** busybox udhcpc in the namespace; returns the variables its script saw on `bound`. */
export async function dhcpLease(h: Harness, netns: string): Promise<Record<string, string>> {
  const script = join(h.tmp, `udhcpc-${netns}.sh`);
  const out = join(h.tmp, `lease-${netns}.env`);
  await writeFile(script, `#!/bin/sh\n[ "$1" = bound ] && env > ${out}\nexit 0\n`);
  await chmod(script, 0o755);
  await run(
    'busybox',
    ['udhcpc', '-i', 'eth0', '-n', '-q', '-f', '-t', '5', '-T', '2', '-O', 'staticroutes', '-O', 'mtu', '-s', script],
    { netns },
  );
  const env = await readFile(out, 'utf8');
  return Object.fromEntries(
    env
      .split('\n')
      .flatMap((l) => (l.includes('=') ? [[l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]] : [])),
  );
}

/** Host-namespace interfaces whose names the driver owns. */
export async function strataLinks(hostNs: string): Promise<string[]> {
  const out = await run('ip', ['-n', hostNs, '-j', 'link', 'show'], { allowFail: true });
  if (out.code !== 0) return [];
  return (JSON.parse(out.stdout || '[]') as { ifname: string }[])
    .map((l) => l.ifname)
    .filter((n) => /^(brq|tap|vxlan-)/.test(n));
}
