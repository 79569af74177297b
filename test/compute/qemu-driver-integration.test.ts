import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { instancesDir } from '../../src/compute/drivers/qemu/paths.ts';
import { deleteNamespace, hostNamespace } from '../../src/core/host/netns.ts';
import {
  count,
  guestImage,
  imageServer,
  pidOf,
  plugWhenSeen,
  processGone,
  qemuDriver,
  qemuSkipReason,
  sig,
  testSpec,
  testVif,
  waitConsole,
} from './qemu-fixture.ts';

test('qemu driver drives a real guest: boot, reboot, power, snapshot, destroy', { timeout: 900000 }, async (t) => {
  const skip = await qemuSkipReason();
  if (skip) return t.skip(skip);
  const host = `qtest-${randomBytes(3).toString('hex')}`;
  const ns = hostNamespace(host);
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-qemu-'));
  const images = await imageServer(String(guestImage()));
  const d = qemuDriver(dataDir, host);
  const vif = testVif(5);
  const spec = testSpec(images.image(), [vif], {
    flavor: { name: 'q.tiny', vcpus: 1, memory_mb: 256, root_gb: 1, ephemeral_gb: 1, swap: 16, extra_specs: {} },
    injected: { metadata: {}, configDrive: true, userData: null, keyData: null, adminPass: null },
  });
  const uuid = spec.uuid;
  t.after(async () => {
    await d.destroy(uuid, { signal: AbortSignal.timeout(30000) }).catch(() => {});
    await d.close();
    await deleteNamespace(ns);
    images.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  await d.init(host, sig());
  assert.match(d.describe(), /^qemu \d+\.\d+ with TCG/);
  const res = await d.resources();
  assert.equal(res.hypervisor_type, 'QEMU');
  assert.ok(res.vcpus > 0 && res.memory_mb > 0 && res.local_gb > 0);

  const plugged = plugWhenSeen(ns, `tap${vif.id.slice(0, 11)}`);
  const t0 = Date.now();
  await d.spawn(spec, sig());
  const spawned = Date.now();
  assert.ok((await plugged) > 0, 'the test saw the tap and plugged it');
  const log = await waitConsole(d, uuid, 'STRATA-GUEST-READY', 1);
  const booted = Date.now();
  t.diagnostic(`spawn returned after ${spawned - t0} ms; STRATA-GUEST-READY after ${booted - t0} ms (TCG)`);
  assert.match(log, /STRATA-GUEST-INFO metadata=configdrive/);
  assert.match(log, /STRATA-GUEST-READY hostname=qtest-guest/);
  assert.equal(images.downloads, 1);

  const power = async () => (await d.listInstances()).find((i) => i.uuid === uuid)?.power_state;
  assert.equal(await power(), 1);
  assert.equal((await readdir(instancesDir(dataDir, host))).length, 1);

  const diag = await d.diagnostics(uuid);
  assert.equal(diag.state, 'running');
  assert.equal(diag.num_nics, 1);
  assert.ok(diag.cpu_details[0].time > 0);
  const st = await d.stats(uuid);
  assert.ok(st.memory_used_mb > 0 && st.disk_read_bytes > 0);
  const serial = await d.remoteConsole(uuid, 'serial');
  assert.equal(serial.port, 0);
  assert.ok(existsSync(String(serial.internal?.socket)));
  assert.equal((await d.consoleOutput(uuid, 3)).split('\n').length, 3);

  await d.pause(uuid, sig());
  assert.equal(await power(), 3);
  await d.unpause(uuid, sig());
  assert.equal(await power(), 1);
  const running = await pidOf(join(instancesDir(dataDir, host), uuid));
  const suspendAt = Date.now();
  await d.suspend(uuid, sig());
  t.diagnostic(`suspend (managed save) took ${Date.now() - suspendAt} ms`);
  assert.equal(await power(), 7);
  assert.ok(await processGone(running), 'a suspended guest has no process');
  assert.ok(existsSync(join(instancesDir(dataDir, host), uuid, 'memory.state')));
  const resumeAt = Date.now();
  await d.resume(uuid, sig());
  t.diagnostic(`resume took ${Date.now() - resumeAt} ms`);
  assert.equal(await power(), 1);
  assert.equal(existsSync(join(instancesDir(dataDir, host), uuid, 'memory.state')), false);
  // The same guest, not a new boot: its getty answers a key press on the serial port.
  const prompts = count(await d.consoleOutput(uuid), 'login:');
  const tty = connect(String((await d.remoteConsole(uuid, 'serial')).internal?.socket));
  tty.write('\r');
  await waitConsole(d, uuid, 'login:', prompts + 1, 30000);
  tty.destroy();
  assert.equal(count(await d.consoleOutput(uuid), 'STRATA-GUEST-READY'), 1);

  await d.reboot(uuid, 'HARD', sig());
  await waitConsole(d, uuid, 'STRATA-GUEST-READY', 2);
  t.diagnostic(`hard reboot to ready: ${Date.now() - booted} ms`);

  const offAt = Date.now();
  await d.powerOff(uuid, sig());
  t.diagnostic(`ACPI power off took ${Date.now() - offAt} ms`);
  assert.equal(await power(), 4);
  assert.match(await d.consoleOutput(uuid), /STRATA-GUEST-SHUTDOWN/);
  await d.powerOn(uuid, sig());
  await waitConsole(d, uuid, 'STRATA-GUEST-READY', 3);
  assert.equal(await power(), 1);

  const snap = await d.snapshot(uuid, sig());
  assert.equal(snap.disk_format, 'qcow2');
  const chunks: Buffer[] = [];
  for await (const c of snap.stream) chunks.push(Buffer.from(c));
  const bytes = Buffer.concat(chunks);
  assert.equal(bytes.length, snap.size);
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'QFI\xfb');
  assert.equal(await power(), 1, 'the guest runs again after the snapshot');

  // A new driver object (a Strata restart) finds the running guest.
  await d.close();
  const again = qemuDriver(dataDir, host);
  await again.init(host, sig());
  assert.deepEqual(
    (await again.listInstances()).map((i) => [i.uuid, i.power_state]),
    [[uuid, 1]],
  );

  // A QEMU whose directory vanished (removed by hand) is ended by the next driver's init.
  const stray = testSpec(spec.image, []);
  await again.spawn(stray, sig());
  const strayPid = await pidOf(join(instancesDir(dataDir, host), stray.uuid));
  await rename(join(instancesDir(dataDir, host), stray.uuid), join(dataDir, 'moved-away'));
  // One QMP client per guest at a time: the old driver hangs up first, as an agent restart does.
  await again.close();
  const third = qemuDriver(dataDir, host);
  await third.init(host, sig());
  assert.ok(await processGone(strayPid), 'the stray QEMU was ended');
  assert.deepEqual(
    (await third.listInstances()).map((i) => i.uuid),
    [uuid],
  );
  await third.close();

  const qemuPid = await pidOf(join(instancesDir(dataDir, host), uuid));
  await d.destroy(uuid, sig());
  assert.ok(await processGone(qemuPid), 'no QEMU process is left');
  await assert.rejects(stat(join(instancesDir(dataDir, host), uuid)), /ENOENT/);
  assert.deepEqual(await d.listInstances(), []);
});
