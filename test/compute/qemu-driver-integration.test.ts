import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HypervisorDriver, InstanceSpec } from '../../src/compute/drivers/hypervisor.ts';
import { createQemuDriver } from '../../src/compute/drivers/qemu/index.ts';
import { instancesDir } from '../../src/compute/drivers/qemu/paths.ts';
import { deleteNamespace, hostNamespace } from '../../src/core/host/netns.ts';
import { commandExists, isRoot, run } from '../../src/core/host/run.ts';

/** The project's test guest (build it with `strata image build-test --out <dir>`). */
const GUEST_DIRS = [process.env.STRATA_GUEST_DIR, '/tmp/guest-out'].filter(Boolean) as string[];

async function why(): Promise<string | undefined> {
  if (!isRoot()) return 'needs root (host namespace, taps, QEMU)';
  if (!(await commandExists('qemu-system-x86_64'))) return 'qemu-system-x86_64 is not installed';
  if (!(await commandExists('qemu-img'))) return 'qemu-img is not installed';
  if (!guestImage())
    return `no test guest image in ${GUEST_DIRS.join(' or ')} (strata image build-test --out /tmp/guest-out)`;
  return undefined;
}

function guestImage(): string | undefined {
  return GUEST_DIRS.map((d) => join(d, 'strata-guest.qcow2')).find((p) => existsSync(p));
}

const sig = () => ({ signal: AbortSignal.timeout(180000) });
const count = (text: string, marker: string) => text.split(marker).length - 1;

async function waitConsole(d: HypervisorDriver, uuid: string, marker: string, times: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await d.consoleOutput(uuid);
    if (count(log, marker) >= times) return log;
    if (Date.now() > deadline) assert.fail(`no ${times}x ${marker} in ${timeoutMs} ms; console:\n${log.slice(-3000)}`);
    await sleep(250);
  }
}

test('qemu driver drives a real guest: boot, reboot, power, snapshot, destroy', { timeout: 900000 }, async (t) => {
  const skip = await why();
  if (skip) return t.skip(skip);
  const image = guestImage() as string;
  const host = `qtest-${randomBytes(3).toString('hex')}`;
  const ns = hostNamespace(host);
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-qemu-'));
  const token = randomBytes(8).toString('hex');
  const imageId = randomUUID();
  let downloads = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== `/v2/images/${imageId}/file` || req.headers['x-auth-token'] !== token) {
      res.writeHead(404).end();
      return;
    }
    downloads++;
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    createReadStream(image).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const d = createQemuDriver({
    dataDir,
    host,
    qemu: {
      binary: 'qemu-system-x86_64',
      accel: 'tcg',
      configDriveFormat: 'iso9660',
      consoleTokenTtl: 600,
      shutdownTimeout: 30,
    },
    forceConfigDrive: false,
  });
  const uuid = randomUUID();
  t.after(async () => {
    await d.destroy(uuid, { signal: AbortSignal.timeout(30000) }).catch(() => {});
    await d.close();
    await deleteNamespace(ns);
    server.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  await d.init(host, sig());
  assert.match(d.describe(), /^qemu \d+\.\d+ with TCG/);
  const res = await d.resources();
  assert.equal(res.hypervisor_type, 'QEMU');
  assert.ok(res.vcpus > 0 && res.memory_mb > 0 && res.local_gb > 0);

  const portId = randomUUID();
  const tap = `tap${portId.slice(0, 11)}`;
  const spec: InstanceSpec = {
    uuid,
    name: 'qtest',
    hostname: 'qtest-guest',
    flavor: { name: 'q.tiny', vcpus: 1, memory_mb: 256, root_gb: 1, ephemeral_gb: 1, swap: 16, extra_specs: {} },
    image: {
      id: imageId,
      disk_format: 'qcow2',
      container_format: 'bare',
      properties: {},
      download: { url: `http://127.0.0.1:${port}/v2/images/${imageId}/file`, token },
    },
    vifs: [
      {
        id: portId,
        address: 'fa:16:3e:00:00:01',
        network: { id: randomUUID(), label: 'qtest-net' },
        fixed_ips: [{ ip_address: '10.99.0.5', subnet_id: randomUUID(), version: 4 }],
      },
    ],
    injected: { metadata: {}, configDrive: true, userData: null, keyData: null, adminPass: null },
  };

  // Stands in for the network agent: enslave the tap to a bridge once QEMU's side has created it.
  const bridge = `brq${randomBytes(4).toString('hex')}`;
  const plugged = (async () => {
    for (let i = 0; i < 600; i++) {
      const shown = await run('ip', ['-n', ns, 'link', 'show', tap], { allowFail: true });
      if (shown.code === 0) {
        await run('ip', ['-n', ns, 'link', 'add', bridge, 'type', 'bridge']);
        await run('ip', ['-n', ns, 'link', 'set', bridge, 'up']);
        await run('ip', ['-n', ns, 'link', 'set', tap, 'master', bridge]);
        return Date.now();
      }
      await sleep(100);
    }
    return 0;
  })();

  const t0 = Date.now();
  await d.spawn(spec, sig());
  const spawned = Date.now();
  assert.ok((await plugged) > 0, 'the test saw the tap and plugged it');
  const log = await waitConsole(d, uuid, 'STRATA-GUEST-READY', 1, 120000);
  const booted = Date.now();
  t.diagnostic(`spawn returned after ${spawned - t0} ms; STRATA-GUEST-READY after ${booted - t0} ms (TCG)`);
  assert.match(log, /STRATA-GUEST-INFO metadata=configdrive/);
  assert.match(log, /STRATA-GUEST-READY hostname=qtest-guest/);
  assert.equal(downloads, 1);

  const power = async () => (await d.listInstances()).find((i) => i.uuid === uuid)?.power_state;
  assert.equal(await power(), 1);
  const pid = (await readdir(instancesDir(dataDir, host))).length;
  assert.equal(pid, 1);

  const diag = await d.diagnostics(uuid);
  assert.equal(diag.state, 'running');
  assert.equal(diag.num_nics, 1);
  assert.ok(diag.cpu_details[0].time > 0);
  const st = await d.stats(uuid);
  assert.ok(st.memory_used_mb > 0 && st.disk_read_bytes > 0);
  const serial = await d.remoteConsole(uuid, 'serial');
  assert.equal(serial.port, 0);
  assert.ok(existsSync(String(serial.internal?.socket)));

  await d.pause(uuid, sig());
  assert.equal(await power(), 3);
  await d.unpause(uuid, sig());
  assert.equal(await power(), 1);

  await d.reboot(uuid, 'HARD', sig());
  await waitConsole(d, uuid, 'STRATA-GUEST-READY', 2, 120000);
  t.diagnostic(`hard reboot to ready: ${Date.now() - booted} ms`);

  const offAt = Date.now();
  await d.powerOff(uuid, sig());
  t.diagnostic(`ACPI power off took ${Date.now() - offAt} ms`);
  assert.equal(await power(), 4);
  assert.match(await d.consoleOutput(uuid), /STRATA-GUEST-SHUTDOWN/);
  await d.powerOn(uuid, sig());
  await waitConsole(d, uuid, 'STRATA-GUEST-READY', 3, 120000);
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
  const again = createQemuDriver({
    dataDir,
    host,
    qemu: {
      binary: 'qemu-system-x86_64',
      accel: 'tcg',
      configDriveFormat: 'iso9660',
      consoleTokenTtl: 600,
      shutdownTimeout: 30,
    },
    forceConfigDrive: false,
  });
  await again.init(host, sig());
  assert.deepEqual(
    (await again.listInstances()).map((i) => [i.uuid, i.power_state]),
    [[uuid, 1]],
  );
  await again.close();

  const pidText = await run('cat', [join(instancesDir(dataDir, host), uuid, 'qemu.pid')]);
  const qemuPid = Number(pidText.stdout.trim());
  await d.destroy(uuid, sig());
  // Gone or a zombie not yet reaped by whoever inherited the daemonized QEMU.
  const state = await readFile(`/proc/${qemuPid}/stat`, 'utf8').then(
    (s) => s.slice(s.lastIndexOf(')') + 2)[0],
    () => 'gone',
  );
  assert.ok(state === 'gone' || state === 'Z', `no QEMU process is left (state ${state})`);
  await assert.rejects(stat(join(instancesDir(dataDir, host), uuid)), /ENOENT/);
  assert.deepEqual(await d.listInstances(), []);
});
