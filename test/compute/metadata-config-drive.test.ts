import assert from 'node:assert/strict';
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { writeConfigDrive } from '../../src/compute/metadata/config-drive.ts';
import { commandExists, run } from '../../src/core/host/run.ts';
import { metadataSpec } from './metadata-fixture.ts';

const MTOOLS = { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } };

async function bytesAt(path: string, offset: number, length: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, offset);
    return buf;
  } finally {
    await fh.close();
  }
}

async function tempDir(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'strata-cd-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('writeConfigDrive', async () => {
  const hasIso = await commandExists('genisoimage');
  const hasVfat = (await commandExists('mkfs.vfat')) && (await commandExists('mcopy'));

  test('iso9660: labelled config-2, the OpenStack and EC2 trees, nothing left beside it', {
    skip: !hasIso && 'no genisoimage',
  }, async (t) => {
    const dir = await tempDir(t);
    const path = join(dir, 'disk', 'config.iso');
    await writeConfigDrive(metadataSpec(), path, 'iso9660', AbortSignal.timeout(30_000));
    // The primary volume descriptor is sector 16; its volume identifier is 32 bytes at offset 40 in it.
    assert.equal((await bytesAt(path, 32808, 32)).toString('ascii').trim(), 'config-2');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(dir, 'disk')), ['config.iso']);
    if (await commandExists('isoinfo')) {
      const files = (await run('isoinfo', ['-R', '-f', '-i', path])).stdout.split('\n');
      for (const f of [
        '/openstack/latest/meta_data.json',
        '/openstack/latest/user_data',
        '/openstack/latest/network_data.json',
        '/openstack/latest/vendor_data2.json',
        '/openstack/2012-08-10/meta_data.json',
        '/ec2/latest/meta-data.json',
        '/ec2/2009-04-04/user-data',
      ])
        assert.ok(files.includes(f), `${f} in ${files.length} files`);
      assert.equal(files.includes('/openstack/latest/password'), false);
      const md = await run('isoinfo', ['-R', '-i', path, '-x', '/openstack/latest/meta_data.json']);
      const meta = JSON.parse(md.stdout);
      assert.equal(meta.uuid, metadataSpec().uuid);
      assert.equal(meta.admin_pass, 'secret-pass');
      assert.deepEqual(Object.keys(meta.public_keys), ['mykey']);
      const ud = await run('isoinfo', ['-R', '-i', path, '-x', '/openstack/latest/user_data']);
      assert.equal(ud.stdout, '#!/bin/sh\necho hello\n');
    }
  });

  test('vfat: 64 MiB, labelled config-2, the same files', { skip: !hasVfat && 'no dosfstools/mtools' }, async (t) => {
    const dir = await tempDir(t);
    const path = join(dir, 'config.vfat');
    await writeConfigDrive(metadataSpec(), path, 'vfat', AbortSignal.timeout(30_000));
    assert.equal((await stat(path)).size, 64 * 1024 * 1024);
    // FAT16 boot sector: the volume label is 11 bytes at offset 43 (FAT32 would have it at 71).
    const fat16 = (await bytesAt(path, 43, 11)).toString('ascii').trim();
    const fat32 = (await bytesAt(path, 71, 11)).toString('ascii').trim();
    assert.ok([fat16, fat32].includes('config-2'), `label ${fat16} / ${fat32}`);
    const label = await run('mlabel', ['-s', '-i', path, '::'], MTOOLS);
    assert.match(label.stdout, /config-2/);
    const latest = await run('mdir', ['-b', '-i', path, '::/openstack/latest'], MTOOLS);
    for (const f of ['meta_data.json', 'user_data', 'network_data.json', 'vendor_data.json', 'vendor_data2.json'])
      assert.ok(latest.stdout.includes(`/openstack/latest/${f}`), `${f} in ${latest.stdout}`);
    const ec2 = await run('mdir', ['-b', '-i', path, '::/ec2/latest'], MTOOLS);
    assert.ok(ec2.stdout.includes('/ec2/latest/meta-data.json'), ec2.stdout);
    const md = await run('mtype', ['-i', path, '::/openstack/latest/meta_data.json'], MTOOLS);
    assert.equal(JSON.parse(md.stdout).hostname, 'vm-one.novalocal');
    const ud = await run('mtype', ['-i', path, '::/ec2/latest/user-data'], MTOOLS);
    assert.equal(ud.stdout, '#!/bin/sh\necho hello\n');
  });

  test('a failing build leaves no file behind and rejects', { skip: !hasIso && 'no genisoimage' }, async (t) => {
    const dir = await tempDir(t);
    const aborted = AbortSignal.abort();
    await assert.rejects(writeConfigDrive(metadataSpec(), join(dir, 'config.iso'), 'iso9660', aborted));
    assert.deepEqual(await readdir(dir), []);
  });
});
