import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { commandExists, run } from '../../src/core/host/run.ts';
import type { DesiredState } from '../../src/network/drivers/dataplane.ts';
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

const GUEST = process.env.STRATA_TEST_GUEST_DIR ?? '/tmp/guest-out';
const skip =
  (await skipReason()) ??
  (!(await commandExists('qemu-system-x86_64')) ? 'needs qemu-system-x86_64' : undefined) ??
  (await guestImage());

/** The test guest's kernel and initramfs: the shared build when there, else built once (about 6 s). */
async function guestImage(): Promise<string | undefined> {
  if (existsSync(join(GUEST, 'vmlinuz'))) return undefined;
  const built = await run(process.execPath, ['src/cli/main.ts', 'image', 'build-test', '--out', GUEST], {
    allowFail: true,
  });
  return existsSync(join(GUEST, 'vmlinuz'))
    ? undefined
    : `cannot build the test guest: ${built.stderr.trim().slice(-300)}`;
}

async function waitFor(file: string, pattern: RegExp, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`no ${pattern} on the console after ${ms} ms:\n${text.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A real guest (the project's test image under QEMU, TCG) on a tap the driver made: DHCP with option 121,
 * its key from the metadata service through the proxy, and a security group rule letting a neighbour ping it.
 */
test('linux dataplane: a QEMU guest gets DHCP and metadata through the driver, filtered by its rules', {
  skip,
  timeout: 180_000,
}, async (t) => {
  const h = await harness(t);
  const net = network();
  const subnet = uuid();
  const ip = (n: number) => fixedIp(`10.96.0.${n}`, '10.96.0.0/24', '10.96.0.1', subnet);
  const guestPort = port(net, [ip(10)], mac(0x50), [egressAny]);
  const neighbour = port(net, [ip(11)], mac(0x51), [egressAny]);
  const desired: DesiredState = {
    host: h.host,
    networks: [net],
    ports: [guestPort, neighbour],
    dhcp: [
      {
        network: net,
        subnets: [
          {
            id: subnet,
            cidr: '10.96.0.0/24',
            ip_version: 4,
            gateway_ip: '10.96.0.1',
            enable_dhcp: true,
            dns_nameservers: [],
            host_routes: [],
            allocation_pools: [],
          },
        ],
        hosts: [
          { port_id: guestPort.id, mac_address: guestPort.mac_address, ip_address: '10.96.0.10', hostname: 'guest' },
        ],
        dhcp_port: { id: uuid(), mac_address: mac(0x52), fixed_ips: [ip(2)] },
      },
    ],
    routers: [],
    metadata: [{ network_id: net.id, router_id: null }],
  };
  const asked: { path: string; from: string; network: string }[] = [];
  const md = createServer((req, res) => {
    asked.push({
      path: req.url ?? '',
      from: String(req.headers['x-forwarded-for']),
      network: String(req.headers['x-strata-network-id']),
    });
    if (req.url === '/openstack/latest/meta_data.json') {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          uuid: uuid(),
          hostname: 'dp-guest',
          public_keys: { k: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake test' },
        }),
      );
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => md.listen(h.config.compute.metadataSocket, r));
  t.after(() => md.close());

  const vmN = await vm(h, neighbour);
  const synced = await h.driver.sync(desired);
  assert.deepEqual(synced.failed, []);
  assert.equal(synced.plugged[guestPort.id].vif_type, 'tap');
  const tap = synced.plugged[guestPort.id].device as string;
  const links = await run('ip', ['-n', h.hostNs, '-d', 'link', 'show', tap]);
  assert.match(links.stdout, /tun type tap/);
  await address(vmN, '10.96.0.11/24');

  const consoleLog = join(h.tmp, 'console.log');
  const qemu = spawn(
    'ip',
    [
      'netns',
      'exec',
      h.hostNs,
      'qemu-system-x86_64',
      '-accel',
      'tcg',
      '-cpu',
      'max',
      '-m',
      '256',
      '-nographic',
      '-nodefaults',
      '-kernel',
      join(GUEST, 'vmlinuz'),
      '-initrd',
      join(GUEST, 'initramfs.cpio.gz'),
      '-append',
      'console=ttyS0,115200n8 quiet panic=5 strata.mdtries=5',
      '-netdev',
      `tap,id=n0,ifname=${tap},script=no,downscript=no`,
      '-device',
      `virtio-net-pci,netdev=n0,mac=${guestPort.mac_address}`,
      '-serial',
      `file:${consoleLog}`,
      '-monitor',
      'none',
    ],
    { stdio: 'ignore' },
  );
  t.after(() => {
    qemu.kill('SIGKILL');
  });

  const text = await waitFor(consoleLog, /STRATA-GUEST-READY/, 120_000);
  assert.match(text, /STRATA-GUEST-INFO metadata=openstack keys=1/);
  assert.match(text, /STRATA-GUEST-READY hostname=dp-guest ip=10\.96\.0\.10/);
  assert.ok(
    asked.some((a) => a.from === '10.96.0.10' && a.network === net.id),
    JSON.stringify(asked),
  );

  // Default-deny ingress, then a rule: the neighbour's ping reaches the guest.
  assert.equal(await pings(vmN, '10.96.0.10'), false);
  await h.driver.updatePortFilter({ ...guestPort, security_group_rules: [egressAny, rule({ protocol: 'icmp' })] });
  assert.equal(await pings(vmN, '10.96.0.10'), true);
});
