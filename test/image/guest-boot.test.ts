import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildTestImage, missingPackages, READY_MARKER } from '../../scripts/guest-image/build.ts';
import { bootGuest, freePort, type Guest } from './guest-boot-harness.ts';

/** Where the kernel package stays between runs, so a re-run needs no apt download. */
const CACHE = join(tmpdir(), 'strata-guest-image-cache');

const onPath = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'which', cmd], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Installs what is missing when allowed (root, apt: CI); answers why the test cannot run, or undefined. */
async function prepareHost(signal: AbortSignal): Promise<string | undefined> {
  const wanted = await missingPackages(signal);
  if (!onPath('qemu-system-x86_64')) wanted.push('qemu-system-x86');
  if (wanted.length === 0) return undefined;
  if (process.getuid?.() !== 0 || !onPath('apt-get')) {
    return `needs Debian packages ${wanted.join(' ')} (not root, so not installing them)`;
  }
  try {
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...wanted], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 600_000,
    });
  } catch {
    if (!onPath('qemu-system-x86_64')) return `apt-get install ${wanted.join(' ')} failed: QEMU cannot run here`;
    throw new Error(`apt-get install ${wanted.join(' ')} failed`);
  }
  return undefined;
}

/** An OpenSSH public key line, from Node's own ed25519 key pair (no ssh-keygen needed). */
function sshPublicKey(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  // RFC 4253 strings: a 32-bit big-endian length, then the bytes.
  const field = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const blob = Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]);
  return `ssh-ed25519 ${blob.toString('base64')} strata-test`;
}

/** A vfat config drive as Nova writes one: label config-2, openstack/latest/{meta_data.json,user_data}. */
async function configDrive(dir: string, meta: object, userData: string): Promise<string> {
  const src = join(dir, 'cd', 'openstack', 'latest');
  await mkdir(src, { recursive: true });
  await writeFile(join(src, 'meta_data.json'), JSON.stringify(meta));
  await writeFile(join(src, 'user_data'), userData);
  const img = join(dir, 'config-drive.vfat');
  execFileSync('truncate', ['-s', '1M', img]);
  execFileSync('mkfs.fat', ['-n', 'config-2', img], { stdio: 'ignore' });
  const env = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
  execFileSync('mmd', ['-i', img, '::/openstack', '::/openstack/latest'], { env });
  execFileSync('mcopy', ['-i', img, join(src, 'meta_data.json'), join(src, 'user_data'), '::/openstack/latest/'], {
    env,
  });
  return img;
}

/** The first bytes sshd sends: proof that dropbear listens, without needing an ssh client on the host. */
function sshBanner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    sock.setTimeout(10_000, () => sock.destroy(new Error('no SSH banner within 10 s')));
    sock.once('data', (b) => {
      sock.destroy();
      resolve(b.toString('latin1').trim());
    });
    sock.once('error', reject);
  });
}

test('the test guest image builds and boots to its ready marker with a config drive', async (t) => {
  const signal = AbortSignal.timeout(900_000);
  const why = await prepareHost(signal);
  if (why) {
    t.skip(why);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'strata-guest-boot-'));
  let guest: Guest | undefined;
  t.after(async () => {
    guest?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  const built = await buildTestImage({ outDir: join(dir, 'out'), cacheDir: CACHE, signal });
  t.diagnostic(`qcow2 ${built.qcow2Bytes} bytes (virtual ${built.virtualBytes}), initramfs ${built.initramfsBytes}`);
  assert.ok(built.qcow2Bytes < 32 * 1024 * 1024, `the image should stay small, is ${built.qcow2Bytes} bytes`);

  const key = sshPublicKey();
  const drive = await configDrive(
    dir,
    {
      uuid: 'a3f1c2d4-0000-4000-8000-000000000001',
      name: 'vm1',
      hostname: 'vm1.novalocal',
      public_keys: { k: `${key}\n` },
    },
    '#!/bin/sh\necho "USER-DATA-RAN on $(hostname)" > /dev/console\n',
  );
  const sshPort = await freePort();
  const started = Date.now();
  guest = await bootGuest(
    [
      '-m',
      '256',
      '-smp',
      '1',
      // snapshot=on: the built image stays pristine, as Nova's per-instance overlay keeps Glance's copy.
      '-drive',
      `file=${built.qcow2},if=virtio,format=qcow2,snapshot=on`,
      '-drive',
      `file=${drive},if=virtio,format=raw,readonly=on`,
      '-netdev',
      `user,id=n0,hostfwd=tcp:127.0.0.1:${sshPort}-:22`,
      '-device',
      'virtio-net-pci,netdev=n0',
    ],
    (g) => {
      guest = g;
    },
  );
  const ready = await guest.waitFor(new RegExp(READY_MARKER), guest.accel === 'kvm' ? 60_000 : 120_000);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  t.diagnostic(`${guest.accel}: ${READY_MARKER} after ${seconds} s: ${ready.trim()}`);

  assert.match(ready, /hostname=vm1\.novalocal ip=10\.0\.2\.15/);
  assert.match(guest.console(), /STRATA-GUEST-INFO metadata=configdrive keys=1 iface=eth0/);
  assert.match(guest.console(), /USER-DATA-RAN on vm1\.novalocal/);
  assert.match(await sshBanner(sshPort), /^SSH-2\.0-dropbear/);
});
