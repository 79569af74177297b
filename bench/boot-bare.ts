/**
 * The bare boot `npm run bench -- boot` compares Strata with: the same guest image started by a plain
 * `qemu-system-x86_64` command, with the virtual hardware the qemu driver gives an instance (pc machine, same
 * accel and CPU model, flavor RAM and vCPUs, VGA, virtio-rng, the root disk as a qcow2 overlay on virtio, an
 * iso9660 config drive labelled config-2 on the IDE cdrom with the same key), so what differs is what Strata adds:
 * the API, scheduling, the image cache, the tap on a bridge with DHCP from dnsmasq instead of QEMU's user-mode
 * network, QMP and the paused start. The clock starts before the overlay and the config drive are made.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../src/core/host/run.ts';

export interface BareBootOptions {
  /** The guest image (the qcow2 Strata uploaded as strata-guest). */
  image: string;
  workDir: string;
  accel: 'kvm' | 'tcg';
  memoryMb: number;
  vcpus: number;
  publicKey: string;
  signal: AbortSignal;
}

export interface BareGuest {
  pid: number;
  consoleLog: string;
  /** performance.now() before the overlay was made. */
  startedAt: number;
  stop(): Promise<void>;
}

export async function startBareGuest(name: string, o: BareBootOptions): Promise<BareGuest> {
  const startedAt = performance.now();
  const dir = join(o.workDir, name);
  await mkdir(join(dir, 'cd', 'openstack', 'latest'), { recursive: true });
  const disk = join(dir, 'disk.qcow2');
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', o.image, disk], { signal: o.signal });
  await writeFile(
    join(dir, 'cd', 'openstack', 'latest', 'meta_data.json'),
    JSON.stringify({ uuid: name, name, hostname: name, public_keys: { bench: o.publicKey } }),
  );
  const iso = join(dir, 'config.iso');
  await run('genisoimage', ['-quiet', '-o', iso, '-V', 'config-2', '-r', '-J', join(dir, 'cd')], { signal: o.signal });
  const consoleLog = join(dir, 'console.log');
  const args = [
    '-name',
    `bench-bare-${name}`,
    '-no-user-config',
    '-nodefaults',
    '-machine',
    'pc',
    '-accel',
    o.accel,
    '-cpu',
    o.accel === 'kvm' ? 'host' : 'max',
    '-m',
    String(o.memoryMb),
    '-smp',
    String(o.vcpus),
    '-display',
    'none',
    '-device',
    'VGA',
    '-serial',
    `file:${consoleLog}`,
    '-device',
    'virtio-rng-pci',
    '-drive',
    `file=${disk},if=virtio,format=qcow2`,
    '-drive',
    `file=${iso},media=cdrom,if=ide,readonly=on`,
    '-netdev',
    'user,id=n0',
    '-device',
    'virtio-net-pci,netdev=n0',
  ];
  const child: ChildProcess = spawn('qemu-system-x86_64', args, { stdio: 'ignore', signal: o.signal });
  child.on('error', () => {});
  if (child.pid === undefined) throw new Error('cannot spawn qemu-system-x86_64');
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    pid: child.pid,
    consoleLog,
    startedAt,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Polls a console log file until it has the ready marker; resolves with performance.now() of that moment
 * (50 ms resolution) and the marker line. `failed` reports a dead guest early.
 */
export async function waitForReadyFile(
  file: () => Promise<string | undefined>,
  timeoutMs: number,
  signal: AbortSignal,
  alive: () => boolean = () => true,
): Promise<{ at: number; line: string }> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    signal.throwIfAborted();
    const text = await file();
    const m = text?.match(/STRATA-GUEST-READY[^\r\n]*/);
    if (m) return { at: performance.now(), line: m[0] };
    if (text && /Kernel panic/.test(text)) throw new Error(`guest panicked: ${text.slice(-500)}`);
    if (!alive()) throw new Error(`guest exited before it was ready: ${(text ?? '').slice(-500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ready marker within ${timeoutMs / 1000} s`);
}

export const readIfThere = (path: string) => () => readFile(path, 'latin1').catch(() => undefined);
