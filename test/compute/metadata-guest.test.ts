import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildTestImage, missingPackages, READY_MARKER } from '../../scripts/guest-image/build.ts';
import { commandExists } from '../../src/core/host/run.ts';
import { bootGuest, type Guest } from '../image/guest-boot-harness.ts';
import { serverFixture } from './servers-fixture.ts';

/** Shared with test/image/guest-boot.test.ts: the kernel package stays between runs. */
const CACHE = join(tmpdir(), 'strata-guest-image-cache');
const RELAY = fileURLToPath(new URL('./metadata-guest-relay.ts', import.meta.url));

/**
 * The test guest reads its key, host name and user data from the metadata service: a real guest's HTTP client
 * (busybox wget) against the server's answers. QEMU's user network stands in for the dataplane: restricted (the
 * guest reaches nothing but the forward), with 169.254.169.254:80 forwarded to a relay that does what the
 * dataplane's proxy does, naming the fake server's port address and network.
 */
test('a real guest boots with its metadata from the metadata service', async (t) => {
  const signal = AbortSignal.timeout(600_000);
  const missing = await missingPackages(signal);
  if (!(await commandExists('qemu-system-x86_64'))) missing.push('qemu-system-x86');
  if (missing.length > 0) {
    t.skip(`needs Debian packages ${missing.join(' ')}`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'strata-md-guest-'));
  let guest: Guest | undefined;
  t.after(async () => {
    guest?.kill();
    await rm(dir, { recursive: true, force: true });
  });
  const built = await buildTestImage({ outDir: join(dir, 'image'), cacheDir: CACHE, signal });

  const socketPath = join(dir, 'metadata.sock');
  const fx = await serverFixture(t, { compute: { metadataSocket: socketPath } });
  const key = await fx.compute('POST', '/os-keypairs', { body: { keypair: { name: 'guest-key' } } });
  assert.equal(key.status, 200, JSON.stringify(key.body));
  const userData = '#!/bin/sh\necho "METADATA-USERDATA-RAN $(hostname)" > /dev/console\n';
  const uuid = await fx.boot({
    name: 'md-guest',
    key_name: 'guest-key',
    user_data: Buffer.from(userData).toString('base64'),
  });
  await fx.waitFor(uuid, 'ACTIVE');
  const ports = await fx.cloud.call('GET', `/networking/v2.0/ports?device_id=${uuid}`, { token: fx.token });
  const [port] = ports.body.ports;
  const relay = [process.execPath, RELAY, socketPath, port.fixed_ips[0].ip_address, port.network_id].join(' ');

  const started = Date.now();
  guest = await bootGuest(
    [
      '-m',
      '256',
      '-smp',
      '1',
      '-kernel',
      built.vmlinuz,
      '-initrd',
      built.initramfs,
      '-append',
      'console=ttyS0 strata.mdtries=5',
      '-netdev',
      `user,id=n0,restrict=on,net=169.254.0.0/16,guestfwd=tcp:169.254.169.254:80-cmd:${relay}`,
      '-device',
      'virtio-net-pci,netdev=n0',
    ],
    (g) => {
      guest = g;
    },
  );
  const ready = await guest.waitFor(new RegExp(READY_MARKER), 120_000);
  t.diagnostic(`${guest.accel}: ready after ${((Date.now() - started) / 1000).toFixed(1)} s: ${ready.trim()}`);
  assert.match(guest.console(), /STRATA-GUEST-INFO metadata=openstack keys=1/);
  assert.match(ready, /hostname=md-guest\.novalocal/);
  assert.match(guest.console(), /METADATA-USERDATA-RAN md-guest\.novalocal/);
});
