import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createFakeDriver } from '../../src/compute/drivers/fake/index.ts';
import type { HypervisorDriver } from '../../src/compute/drivers/hypervisor.ts';
import { createHypervisor } from '../../src/compute/drivers/select.ts';
import { loadConfig } from '../../src/core/config.ts';
import { fakeSpec } from './agent-fixture.ts';

const sig = () => ({ signal: new AbortController().signal });

describe('fake hypervisor driver', () => {
  let dir: string;
  let d: HypervisorDriver;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-fake-'));
    d = createFakeDriver({ dataDir: dir, host: 'h1', resources: { vcpus: 8, memoryMb: 4096, localGb: 100 } });
    await d.init('h1', sig());
  });
  after(async () => {
    await d.close();
    await rm(dir, { recursive: true, force: true });
  });

  const power = async (uuid: string) => (await d.listInstances()).find((i) => i.uuid === uuid)?.power_state;

  test('every operation moves the power state', async () => {
    const u = 'aaaaaaaa-0000-0000-0000-000000000001';
    await d.spawn(fakeSpec(u), sig());
    assert.equal(await power(u), 1);
    await d.powerOff(u, sig());
    assert.equal(await power(u), 4);
    await d.powerOn(u, sig());
    assert.equal(await power(u), 1);
    await d.pause(u, sig());
    assert.equal(await power(u), 3);
    await d.unpause(u, sig());
    assert.equal(await power(u), 1);
    await d.suspend(u, sig());
    assert.equal(await power(u), 7);
    await d.resume(u, sig());
    assert.equal(await power(u), 1);
    await d.reboot(u, 'HARD', sig());
    assert.equal(await power(u), 1);
    await d.rescue(u, { image: fakeSpec(u).image }, sig());
    assert.match(await d.consoleOutput(u), /rescue mode/);
    await d.unrescue(u, sig());
    await d.rebuild({ ...fakeSpec(u), powerOn: false }, sig());
    assert.equal(await power(u), 4);
    await d.rebuild(fakeSpec(u), sig());
    assert.equal(await power(u), 1);
    await d.destroy(u, sig());
    assert.equal(await power(u), undefined);
    await d.destroy(u, sig()); // missing is not an error
    await assert.rejects(d.powerOn(u, sig()), /could not be found/);
  });

  test('resources count the instances; traits and cpu_info as Nova reports them', async () => {
    const u = 'aaaaaaaa-0000-0000-0000-000000000002';
    await d.spawn(fakeSpec(u), sig());
    const r = await d.resources();
    assert.equal(r.vcpus, 8);
    assert.equal(r.vcpus_used, 1);
    assert.equal(r.memory_mb_used, 512);
    assert.equal(r.local_gb_used, 1);
    assert.equal(r.hypervisor_type, 'fake');
    assert.equal(r.hypervisor_version, 1000);
    assert.equal(r.hypervisor_hostname, 'h1');
    assert.equal((r.cpu_info as { arch: string }).arch, 'x86_64');
    assert.ok(d.capabilities().includes('COMPUTE_NET_ATTACH_INTERFACE'));
    await d.destroy(u, sig());
  });

  test('console, remote console, diagnostics, stats, interfaces', async () => {
    const u = 'aaaaaaaa-0000-0000-0000-000000000003';
    await d.spawn(fakeSpec(u), sig());
    const out = await d.consoleOutput(u);
    assert.match(out, /host-aaaa login:/);
    assert.match(out, /10\.0\.0\.5/);
    assert.equal((await d.consoleOutput(u, 2)).split('\n').length, 2);
    assert.deepEqual(await d.remoteConsole(u, 'vnc'), {
      protocol: 'vnc',
      host: '127.0.0.1',
      port: 0,
      internal: { fake: true, instance: u },
    });
    await d.attachInterface(
      u,
      { id: 'port-2', address: 'fa:16:3e:00:00:02', network: { id: 'n2', label: 'two' }, fixed_ips: [] },
      sig(),
    );
    const diag = await d.diagnostics(u);
    assert.equal(diag.state, 'running');
    assert.equal(diag.driver, 'libvirt');
    assert.equal(diag.num_nics, 2);
    assert.equal(diag.nic_details.length, 2);
    assert.equal(diag.memory_details.maximum, 512);
    await d.detachInterface(u, { id: 'port-2' } as never, sig());
    assert.equal((await d.diagnostics(u)).num_nics, 1);
    assert.ok((await d.stats(u)).disk_read_bytes > 0);
    await d.destroy(u, sig());
  });

  test('snapshot is a deterministic qcow2-looking stream', async () => {
    const u = 'aaaaaaaa-0000-0000-0000-000000000004';
    await d.spawn(fakeSpec(u), sig());
    const read = async () => {
      const s = await d.snapshot(u, sig());
      const parts: Uint8Array[] = [];
      for await (const c of s.stream) parts.push(c);
      return { s, bytes: Buffer.concat(parts) };
    };
    const a = await read();
    const b = await read();
    assert.equal(a.s.disk_format, 'qcow2');
    assert.equal(a.s.container_format, 'bare');
    assert.equal(a.bytes.length, a.s.size);
    assert.equal(a.bytes.subarray(0, 4).toString('latin1'), 'QFI\xfb');
    assert.ok(a.bytes.equals(b.bytes));
    await d.destroy(u, sig());
  });

  test('resize on the same host, revert and confirm', async () => {
    const u = 'aaaaaaaa-0000-0000-0000-000000000005';
    const spec = fakeSpec(u);
    const bigger = { ...spec.flavor, name: 'm1.small', vcpus: 2 };
    await d.spawn(spec, sig());
    await d.migrateDiskAndPowerOff(u, bigger, sig());
    assert.equal(await power(u), 4);
    assert.equal((await d.listInstances()).find((i) => i.uuid === u)?.kept_for_revert, true);
    await d.finishMigration({ ...spec, flavor: bigger }, { ...sig(), powerOn: true });
    assert.equal((await d.resources()).vcpus_used, 2);
    await d.finishRevertMigration(spec, { ...sig(), powerOn: true });
    assert.equal((await d.resources()).vcpus_used, 1);
    await d.migrateDiskAndPowerOff(u, bigger, sig());
    await d.finishMigration({ ...spec, flavor: bigger }, { ...sig(), powerOn: false });
    await d.confirmMigration(u, sig());
    assert.equal(await power(u), 4);
    assert.equal((await d.resources()).vcpus_used, 2);
    await d.destroy(u, sig());
  });

  test('state survives a new driver on the same data directory', async () => {
    const u = 'aaaaaaaa-0000-0000-0000-000000000006';
    await d.spawn(fakeSpec(u), sig());
    await d.pause(u, sig());
    const file = JSON.parse(await readFile(join(dir, 'compute', 'h1', 'instances.json'), 'utf8'));
    assert.ok(file.instances.some((i: { uuid: string }) => i.uuid === u));
    const again = createFakeDriver({ dataDir: dir, host: 'h1' });
    await again.init('h1', sig());
    assert.equal((await again.listInstances()).find((i) => i.uuid === u)?.power_state, 3);
    await again.close();
    await d.destroy(u, sig());
  });

  test('an unreadable state file is put aside and the host starts empty', async () => {
    const other = await mkdtemp(join(tmpdir(), 'strata-fake-bad-'));
    try {
      await mkdir(join(other, 'compute', 'hb'), { recursive: true });
      await writeFile(join(other, 'compute', 'hb', 'instances.json'), '{"version":1,"inst');
      const bad = createFakeDriver({ dataDir: other, host: 'hb' });
      await bad.init('hb', sig());
      assert.deepEqual(await bad.listInstances(), []);
      assert.ok((await readdir(join(other, 'compute', 'hb'))).some((f) => f.includes('.corrupt-')));
      await bad.close();
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  test('failure injection: flavor extra spec, metadata by host, hang until aborted', async () => {
    const u = 'aaaaaaaa-0000-0000-0000-000000000007';
    const spec = fakeSpec(u);
    await assert.rejects(
      d.spawn({ ...spec, flavor: { ...spec.flavor, extra_specs: { 'fake:fail_spawn': 'true' } } }, sig()),
      /fake:fail_spawn/,
    );
    await assert.rejects(
      d.spawn({ ...spec, injected: { ...spec.injected, metadata: { fake_fail_spawn: 'h1' } } }, sig()),
      /fake_fail_spawn=h1/,
    );
    await d.spawn({ ...spec, injected: { ...spec.injected, metadata: { fake_fail_spawn: 'h2' } } }, sig());
    await d.destroy(u, sig());
    const ac = new AbortController();
    const hung = d.spawn({ ...spec, injected: { ...spec.injected, metadata: { fake_hang: 'spawn' } } }, ac);
    setTimeout(() => ac.abort(), 30);
    await assert.rejects(hung, { name: 'AbortError' });
    assert.equal(await power(u), undefined);
  });

  test('delays are abortable; live migration moves to another fake host', async () => {
    const d2 = createFakeDriver({ dataDir: dir, host: 'h2', delayMs: 5000 });
    await d2.init('h2', sig());
    const u = 'aaaaaaaa-0000-0000-0000-000000000008';
    const ac = new AbortController();
    const t0 = Date.now();
    const slow = d2.spawn(fakeSpec(u), ac);
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(slow, { name: 'AbortError' });
    assert.ok(Date.now() - t0 < 2000);
    await d.spawn(fakeSpec(u), sig());
    await d.liveMigrate(u, 'h2', sig());
    assert.equal(await power(u), undefined);
    assert.equal((await d2.listInstances()).find((i) => i.uuid === u)?.power_state, 1);
    await assert.rejects(d2.liveMigrate(u, 'nowhere', sig()), /no fake hypervisor nowhere/);
    await d2.close();
  });

  test('createHypervisor picks the fake and names unknown drivers', async () => {
    // 'auto' picks qemu on a machine that can run it (test/compute/qemu-select.test.ts); 'fake' is always the fake.
    const config = await loadConfig({ values: { dataDir: dir, compute: { driver: 'fake' } as never } });
    assert.equal(createHypervisor(config, 'h9').name, 'fake');
    const bad = await loadConfig({ values: { dataDir: dir, compute: { driver: 'vmware' as never } } });
    assert.throws(() => createHypervisor(bad, 'h9'), /unknown compute.driver 'vmware'/);
  });
});
