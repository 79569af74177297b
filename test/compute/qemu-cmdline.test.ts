import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InstanceSpec } from '../../src/compute/drivers/hypervisor.ts';
import { buildQemuArgs, optValue } from '../../src/compute/drivers/qemu/cmdline.ts';
import type { InstanceRecord } from '../../src/compute/drivers/qemu/instance-record.ts';
import { instancePaths } from '../../src/compute/drivers/qemu/paths.ts';

const uuid = '11111111-2222-3333-4444-555555555555';
const dir = `/var/lib/strata/compute/h1/instances/${uuid}`;

function record(over: Partial<InstanceRecord> = {}, spec: Partial<InstanceSpec> = {}): InstanceRecord {
  return {
    version: 1,
    uuid,
    host: 'h1',
    backing_format: 'qcow2',
    spec: {
      uuid,
      name: 'vm, with a comma',
      hostname: 'vm',
      flavor: { name: 'm1', vcpus: 2, memory_mb: 384, root_gb: 1, ephemeral_gb: 0, swap: 0, extra_specs: {} },
      image: { id: 'img', properties: {} },
      vifs: [
        {
          id: 'abcdef01-2345-6789-abcd-ef0123456789',
          address: 'fa:16:3e:aa:bb:cc',
          network: { id: 'n1', label: 'net' },
          fixed_ips: [],
        },
      ],
      injected: { metadata: {}, configDrive: false },
      ...spec,
    },
    ...over,
  };
}

/** The value following `flag` each time it appears. */
const values = (args: string[], flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));

test('a TCG guest: pc machine, -cpu max, flavor sizes, sockets in the instance dir, paused start', () => {
  const p = instancePaths(dir);
  const args = buildQemuArgs(record(), p, { accel: 'tcg', disks: { ephemeral: false, swap: false } });
  assert.deepEqual(values(args, '-machine'), ['pc']);
  assert.deepEqual(values(args, '-accel'), ['tcg']);
  assert.deepEqual(values(args, '-cpu'), ['max']);
  assert.deepEqual(values(args, '-m'), ['384']);
  assert.deepEqual(values(args, '-smp'), ['2']);
  assert.deepEqual(values(args, '-uuid'), [uuid]);
  assert.ok(args.includes('-nodefaults') && args.includes('-daemonize') && args.includes('-S'));
  assert.deepEqual(values(args, '-display'), ['none']);
  assert.deepEqual(values(args, '-vnc'), [`unix:${dir}/vnc.sock`]);
  assert.deepEqual(values(args, '-qmp'), [`unix:${dir}/qmp.sock,server=on,wait=off`]);
  assert.deepEqual(values(args, '-chardev'), [
    `socket,id=serial0,path=${dir}/serial.sock,server=on,wait=off,logfile=${dir}/console.log,logappend=on`,
  ]);
  assert.deepEqual(values(args, '-serial'), ['chardev:serial0']);
  assert.deepEqual(values(args, '-drive'), [`file=${dir}/disk.qcow2,if=virtio,format=qcow2`]);
  assert.deepEqual(values(args, '-netdev'), ['tap,id=net-abcdef01-23,ifname=tapabcdef01-23,script=no,downscript=no']);
  assert.ok(
    values(args, '-device').includes('virtio-net-pci,netdev=net-abcdef01-23,mac=fa:16:3e:aa:bb:cc,id=nic-abcdef01-23'),
  );
  assert.ok(values(args, '-device').includes('virtio-rng-pci'));
  assert.deepEqual(values(args, '-pidfile'), [`${dir}/qemu.pid`]);
  // The user's server name never reaches QEMU's option parser.
  assert.ok(!args.some((a) => a.includes('with a comma')));
  assert.equal(args.indexOf('-kernel'), -1);
});

test('KVM uses -cpu host; ephemeral, swap and config drives are attached as Nova does', () => {
  const p = instancePaths(dir);
  const iso = buildQemuArgs(record({ config_drive: 'iso9660' }), p, {
    accel: 'kvm',
    disks: { ephemeral: true, swap: true },
  });
  assert.deepEqual(values(iso, '-cpu'), ['host']);
  assert.deepEqual(values(iso, '-drive'), [
    `file=${dir}/disk.qcow2,if=virtio,format=qcow2`,
    `file=${dir}/disk.eph0,if=virtio,format=qcow2`,
    `file=${dir}/disk.swap,if=virtio,format=qcow2`,
    `file=${dir}/config.iso,media=cdrom,if=ide,readonly=on`,
  ]);
  const vfat = buildQemuArgs(record({ config_drive: 'vfat' }), p, {
    accel: 'kvm',
    disks: { ephemeral: false, swap: false },
  });
  assert.equal(values(vfat, '-drive')[1], `file=${dir}/config.vfat,if=virtio,format=raw,readonly=on`);
});

test('direct kernel boot, rescue disk order and an incoming migration', () => {
  const p = instancePaths(dir);
  const direct = record({ direct_boot: { kernel: true, ramdisk: true, cmdline: 'root=/dev/vda console=ttyS0' } });
  const args = buildQemuArgs(direct, p, { accel: 'tcg', disks: { ephemeral: false, swap: false } });
  assert.deepEqual(values(args, '-kernel'), [`${dir}/kernel`]);
  assert.deepEqual(values(args, '-initrd'), [`${dir}/ramdisk`]);
  assert.deepEqual(values(args, '-append'), ['root=/dev/vda console=ttyS0']);

  const rescued = buildQemuArgs({ ...direct, rescue: { image: { id: 'r', properties: {} } } }, p, {
    accel: 'tcg',
    disks: { ephemeral: false, swap: false },
  });
  assert.deepEqual(values(rescued, '-drive').slice(0, 2), [
    `file=${dir}/disk.rescue,if=virtio,format=qcow2`,
    `file=${dir}/disk.qcow2,if=virtio,format=qcow2`,
  ]);
  assert.equal(rescued.indexOf('-kernel'), -1, 'a rescue boots the rescue image, not the instance kernel');

  const incoming = buildQemuArgs(record(), p, {
    accel: 'tcg',
    disks: { ephemeral: false, swap: false },
    incoming: p.migrateSocket,
  });
  assert.deepEqual(values(incoming, '-incoming'), [`unix:${dir}/migrate.sock`]);
});

test('option values escape commas; sockets of a deep data dir move to a short path', () => {
  assert.equal(optValue('/a,b/c'), '/a,,b/c');
  const deep = `/${'d'.repeat(80)}/compute/h1/instances/${uuid}`;
  const p = instancePaths(deep);
  assert.ok(p.qmpSocket.length < 108 && p.qmpSocket.startsWith('/tmp/strata-qemu-'));
  assert.equal(p.root, `${deep}/disk.qcow2`);
  assert.notEqual(instancePaths(`${deep}x`).qmpSocket, p.qmpSocket);
});
