import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { instancesDir } from '../../src/compute/drivers/qemu/paths.ts';
import { deleteNamespace, hostNamespace } from '../../src/core/host/netns.ts';
import { run } from '../../src/core/host/run.ts';
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

const READY = 'STRATA-GUEST-READY';

test('qemu driver moves a real guest: hot-plug, soft reboot, rescue, live migration, resize, rebuild', {
  timeout: 1200000,
}, async (t) => {
  const skip = await qemuSkipReason();
  if (skip) return t.skip(skip);
  const tag = randomBytes(3).toString('hex');
  const [h1, h2] = [`qtest-${tag}a`, `qtest-${tag}b`];
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-qemu-'));
  const images = await imageServer(String(guestImage()));
  const d1 = qemuDriver(dataDir, h1);
  const d2 = qemuDriver(dataDir, h2);
  const vif = testVif(7);
  const spec = testSpec(images.image(), [vif]);
  const uuid = spec.uuid;
  t.after(async () => {
    for (const d of [d1, d2]) {
      await d.destroy(uuid, { signal: AbortSignal.timeout(30000) }).catch(() => {});
      await d.close();
    }
    await deleteNamespace(hostNamespace(h1));
    await deleteNamespace(hostNamespace(h2));
    images.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  await d1.init(h1, sig());
  await d2.init(h2, sig());
  const list = async (d: typeof d1) =>
    (await d.listInstances()).map((i) => [i.uuid, i.power_state, !!i.kept_for_revert]);
  const ready = (d: typeof d1, n: number) => waitConsole(d, uuid, READY, n);
  let boots = 0;

  // A directory nothing owns (a spawn that died early) is listed, so reconcile destroys it.
  const orphan = randomUUID();
  await mkdir(join(instancesDir(dataDir, h1), orphan), { recursive: true });
  assert.deepEqual(await list(d1), [[orphan, 4, false]]);
  await d1.destroy(orphan, sig());
  assert.deepEqual(await list(d1), []);

  const plugged = plugWhenSeen(hostNamespace(h1), `tap${vif.id.slice(0, 11)}`);
  await d1.spawn(spec, sig());
  await plugged;
  await ready(d1, ++boots);

  const extra = testVif(8);
  await d1.attachInterface(uuid, extra, sig());
  assert.equal((await d1.diagnostics(uuid)).num_nics, 2);
  const extraTap = `tap${extra.id.slice(0, 11)}`;
  assert.equal((await run('ip', ['-n', hostNamespace(h1), 'link', 'show', extraTap], { allowFail: true })).code, 0);
  await d1.detachInterface(uuid, extra, sig());
  assert.equal((await d1.diagnostics(uuid)).num_nics, 1);

  const softAt = Date.now();
  await d1.reboot(uuid, 'SOFT', sig());
  await ready(d1, ++boots);
  t.diagnostic(`soft reboot (ACPI off, start, ready): ${Date.now() - softAt} ms`);
  assert.ok(count(await d1.consoleOutput(uuid), 'STRATA-GUEST-SHUTDOWN') >= 1);

  await d1.rescue(uuid, { image: images.image() }, sig());
  await ready(d1, ++boots);
  assert.ok(existsSync(join(instancesDir(dataDir, h1), uuid, 'disk.rescue')));
  assert.equal((await d1.diagnostics(uuid)).num_disks >= 2, true);
  await d1.unrescue(uuid, sig());
  await ready(d1, ++boots);
  assert.equal(existsSync(join(instancesDir(dataDir, h1), uuid, 'disk.rescue')), false);

  const migAt = Date.now();
  const srcPid = await pidOf(join(instancesDir(dataDir, h1), uuid));
  // h2's network agent would plug the tap the destination QEMU opens; the test's stand-in does.
  const pluggedOnH2 = plugWhenSeen(hostNamespace(h2), `tap${vif.id.slice(0, 11)}`);
  await d1.liveMigrate(uuid, h2, sig());
  assert.ok((await pluggedOnH2) > 0);
  t.diagnostic(`live migration ${h1} -> ${h2}: ${Date.now() - migAt} ms`);
  assert.ok(await processGone(srcPid), 'the source QEMU is gone');
  assert.deepEqual(await list(d1), []);
  assert.deepEqual(await list(d2), [[uuid, 1, false]]);
  // The guest kept running: it did not boot again, and it still answers on its serial console log.
  assert.equal(count(await d2.consoleOutput(uuid), READY), boots);
  const netns = await run('ip', ['netns', 'identify', String(await pidOf(join(instancesDir(dataDir, h2), uuid)))]);
  assert.equal(netns.stdout.trim(), hostNamespace(h2));

  // Cold migration with a resize, h2 -> h1, then reverted.
  const bigger = { ...spec.flavor, name: 'q.small', memory_mb: 320, root_gb: 2 };
  await d2.migrateDiskAndPowerOff(uuid, bigger, sig());
  assert.deepEqual(await list(d2), [[uuid, 4, true]]);
  await d1.finishMigration({ ...spec, flavor: bigger }, { ...sig(), powerOn: true });
  await ready(d1, ++boots);
  assert.equal((await d1.listInstances())[0].flavor?.memory_mb, 320);
  await d1.destroy(uuid, { ...sig(), keepDisks: false });
  await d2.finishRevertMigration({ ...spec, flavor: bigger }, { ...sig(), powerOn: true });
  // The kept directory's console log never saw the boot on h1: it counts this boot in that one's place.
  await ready(d2, boots);
  assert.equal((await d2.listInstances())[0].flavor?.memory_mb, 256, 'the revert restored the old flavor');
  assert.deepEqual(await list(d1), []);

  // Resize on one host, confirmed.
  await d2.migrateDiskAndPowerOff(uuid, bigger, sig());
  await d2.finishMigration({ ...spec, flavor: bigger }, { ...sig(), powerOn: true });
  assert.deepEqual(await list(d2), [[uuid, 1, false]]);
  await ready(d2, ++boots);
  await d2.confirmMigration(uuid, sig());
  assert.equal(existsSync(join(instancesDir(dataDir, h2), `${uuid}_resize`)), false);

  // Rebuild from another image, kept stopped.
  const other = images.image();
  await d2.rebuild({ ...spec, flavor: bigger, image: other, powerOn: false }, sig());
  assert.deepEqual(await list(d2), [[uuid, 4, false]]);
  await d2.powerOn(uuid, sig());
  await ready(d2, ++boots);

  const pid = await pidOf(join(instancesDir(dataDir, h2), uuid));
  await d2.destroy(uuid, sig());
  assert.ok(await processGone(pid));
  assert.deepEqual(await list(d2), []);
});
