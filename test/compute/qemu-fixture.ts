import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HypervisorDriver, InstanceSpec, Vif } from '../../src/compute/drivers/hypervisor.ts';
import { createQemuDriver } from '../../src/compute/drivers/qemu/index.ts';
import type { QemuConfig } from '../../src/core/config.ts';
import { commandExists, isRoot, run } from '../../src/core/host/run.ts';

/** The project's test guest (build it with `strata image build-test --out <dir>`). */
const GUEST_DIRS = [process.env.STRATA_GUEST_DIR, '/tmp/guest-out'].filter(Boolean) as string[];

export function guestImage(): string | undefined {
  return GUEST_DIRS.map((d) => join(d, 'strata-guest.qcow2')).find((p) => existsSync(p));
}

/** Why a real-guest test cannot run here, or undefined. */
export async function qemuSkipReason(): Promise<string | undefined> {
  if (!isRoot()) return 'needs root (host namespace, taps, QEMU)';
  if (!(await commandExists('qemu-system-x86_64'))) return 'qemu-system-x86_64 is not installed';
  if (!(await commandExists('qemu-img'))) return 'qemu-img is not installed';
  if (!guestImage())
    return `no test guest image in ${GUEST_DIRS.join(' or ')} (strata image build-test --out /tmp/guest-out)`;
  return undefined;
}

export const QEMU_TEST_CONFIG: QemuConfig = {
  binary: 'qemu-system-x86_64',
  accel: 'tcg',
  configDriveFormat: 'iso9660',
  consoleTokenTtl: 600,
  shutdownTimeout: 30,
};

export const qemuDriver = (dataDir: string, host: string): HypervisorDriver =>
  createQemuDriver({ dataDir, host, qemu: QEMU_TEST_CONFIG, forceConfigDrive: false });

export const sig = () => ({ signal: AbortSignal.timeout(180000) });
export const count = (text: string, marker: string) => text.split(marker).length - 1;

export async function waitConsole(
  d: HypervisorDriver,
  uuid: string,
  marker: string,
  times: number,
  timeoutMs = 120000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await d.consoleOutput(uuid);
    if (count(log, marker) >= times) return log;
    if (Date.now() > deadline) assert.fail(`no ${times}x ${marker} in ${timeoutMs} ms; console:\n${log.slice(-3000)}`);
    await sleep(250);
  }
}

/** Serves the guest image as the Image service would (`/v2/images/<id>/file`, X-Auth-Token checked). */
export async function imageServer(image: string) {
  const token = randomBytes(8).toString('hex');
  const ids = new Set<string>();
  let downloads = 0;
  const server: Server = createServer((req, res) => {
    const id = /^\/v2\/images\/([^/]+)\/file$/.exec(req.url ?? '')?.[1];
    if (!id || !ids.has(id) || req.headers['x-auth-token'] !== token) {
      res.writeHead(404).end();
      return;
    }
    downloads++;
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    createReadStream(image).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    get downloads() {
      return downloads;
    },
    /** A new image id served with the guest's bytes. */
    image(): InstanceSpec['image'] {
      const id = randomUUID();
      ids.add(id);
      return {
        id,
        disk_format: 'qcow2',
        container_format: 'bare',
        properties: {},
        download: { url: `http://127.0.0.1:${port}/v2/images/${id}/file`, token },
      };
    },
    close: () => server.close(),
  };
}

export function testVif(n: number): Vif {
  return {
    id: randomUUID(),
    address: `fa:16:3e:00:00:${n.toString(16).padStart(2, '0')}`,
    network: { id: randomUUID(), label: 'qtest-net' },
    fixed_ips: [{ ip_address: `10.99.0.${n}`, subnet_id: randomUUID(), version: 4 }],
  };
}

export function testSpec(image: InstanceSpec['image'], vifs: Vif[], over: Partial<InstanceSpec> = {}): InstanceSpec {
  return {
    uuid: randomUUID(),
    name: 'qtest',
    hostname: 'qtest-guest',
    flavor: { name: 'q.tiny', vcpus: 1, memory_mb: 256, root_gb: 1, ephemeral_gb: 0, swap: 0, extra_specs: {} },
    image,
    vifs,
    injected: { metadata: {}, configDrive: false, userData: null, keyData: null, adminPass: null },
    ...over,
  };
}

/**
 * Stands in for the network agent: enslaves the tap to a bridge of its own once the tap exists in `ns`.
 * Resolves with when it did, or 0 if the tap never appeared.
 */
export async function plugWhenSeen(ns: string, tap: string, timeoutMs = 60000): Promise<number> {
  const bridge = `brq${randomBytes(4).toString('hex')}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
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
}

/** Whether the process is gone (or a zombie nobody has reaped yet: the daemonized QEMU's parent is not us). */
export async function processGone(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat === '' || stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z';
}

export async function pidOf(instanceDir: string): Promise<number> {
  return Number((await readFile(join(instanceDir, 'qemu.pid'), 'utf8')).trim());
}
