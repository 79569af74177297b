import { rm, stat } from 'node:fs/promises';
import { buildQemuArgs } from './cmdline.ts';
import { presentDisks } from './disks.ts';
import { InstanceNotFound, InstanceNotRunning, type QemuHost } from './host-context.ts';
import { type InstanceRecord, readRecord, tapName, writeRecord } from './instance-record.ts';
import type { InstancePaths } from './paths.ts';
import { killQemu, launchQemu, livePid, waitGone } from './process.ts';
import { QmpClient } from './qmp.ts';
import { ensureTap, waitPlugged } from './taps.ts';

const SHUTDOWN_RETRY_MS = 10000;

export const hasSavedState = (paths: InstancePaths) =>
  stat(paths.savedState).then(
    () => true,
    () => false,
  );

export async function loadRecord(h: QemuHost, paths: InstancePaths, uuid: string): Promise<InstanceRecord> {
  const record = await readRecord(paths.record);
  if (!record) throw new InstanceNotFound(uuid, h.host);
  return record;
}

/** The instance's QMP connection, (re)connected on demand; undefined when no QEMU runs for it. */
export async function qmpOf(h: QemuHost, paths: InstancePaths, uuid: string): Promise<QmpClient | undefined> {
  const open = h.qmp.get(uuid);
  if (open && !open.closed) return open;
  h.qmp.delete(uuid);
  const pending = h.connecting.get(uuid);
  if (pending) return pending;
  if (!(await livePid(paths, uuid))) return undefined;
  const again = h.connecting.get(uuid);
  if (again) return again;
  const connecting = QmpClient.connect(paths.qmpSocket).then((client) => {
    client.on('close', () => {
      if (h.qmp.get(uuid) === client) h.qmp.delete(uuid);
    });
    h.qmp.set(uuid, client);
    return client;
  });
  h.connecting.set(uuid, connecting);
  try {
    return await connecting;
  } finally {
    h.connecting.delete(uuid);
  }
}

export async function requireQmp(h: QemuHost, paths: InstancePaths, uuid: string, what: string) {
  const client = await qmpOf(h, paths, uuid);
  if (!client) throw new InstanceNotRunning(uuid, h.host, what);
  return client;
}

/**
 * Starts the instance's QEMU from its record: taps first, the guest paused until the dataplane has enslaved
 * every tap to its bridge (at most `plugTimeoutMs`, then it runs anyway with a warning), then `cont` unless
 * `paused` (a live migration's destination).
 */
export async function startInstance(
  h: QemuHost,
  paths: InstancePaths,
  record: InstanceRecord,
  signal: AbortSignal,
  opts: { incoming?: string } = {},
): Promise<QmpClient> {
  // A fresh boot (hard reboot, stop) discards what a suspend saved.
  if (!opts.incoming) await rm(paths.savedState, { force: true });
  const taps = record.spec.vifs.map(tapName);
  for (const tap of taps) await ensureTap(h.ns, tap);
  const args = buildQemuArgs(record, paths, { accel: h.accel, disks: await presentDisks(paths), ...opts });
  await launchQemu(h.qemu.binary, h.ns, args, paths, signal);
  record.started_at = Date.now();
  if (!opts.incoming) record.suspended = false;
  await writeRecord(paths.record, record);
  const client = await requireQmp(h, paths, record.uuid, 'start');
  if (opts.incoming) return client;
  const unplugged = await waitPlugged(h.ns, taps, h.plugTimeoutMs, signal);
  if (unplugged.length > 0)
    h.log.warn(
      { host: h.host, uuid: record.uuid, taps: unplugged },
      'qemu driver: taps still have no bridge; starting the guest anyway',
    );
  await client.execute('cont');
  return client;
}

/**
 * Stops the instance's QEMU. Graceful: the ACPI power button, then up to `timeoutS` for the guest to power off
 * (QEMU exits when it does), then forced. Forced: QMP `quit`, then signals by pid.
 */
export async function stopInstance(
  h: QemuHost,
  paths: InstancePaths,
  uuid: string,
  opts: { graceful: boolean; timeoutS?: number; signal?: AbortSignal },
): Promise<void> {
  const pid = await livePid(paths, uuid);
  if (!pid) return;
  const client = await qmpOf(h, paths, uuid).catch(() => undefined);
  const status = client ? await client.execute<{ status: string }>('query-status').catch(() => undefined) : undefined;
  // A guest that never ran (still held by -S) has nothing to shut down cleanly.
  if (opts.graceful && client && status?.status !== 'prelaunch') {
    // A paused guest cannot see the button: let it run to handle it.
    if (status?.status === 'paused') await client.execute('cont').catch(() => {});
    // Pressed again every 10 s as Nova does: a guest still booting has no ACPI daemon to see the first press.
    const deadline = Date.now() + (opts.timeoutS ?? h.qemu.shutdownTimeout) * 1000;
    for (;;) {
      await client.execute('system_powerdown').catch(() => {});
      const wait = Math.min(SHUTDOWN_RETRY_MS, deadline - Date.now());
      if (await waitGone(pid, uuid, Math.max(0, wait), opts.signal)) return afterExit(h, uuid);
      if (Date.now() >= deadline) break;
    }
    h.log.warn({ host: h.host, uuid }, 'qemu driver: guest ignored the ACPI power button; forcing it off');
  }
  if (client) {
    await client.execute('quit', undefined, { timeoutMs: 3000 }).catch(() => {});
    if (await waitGone(pid, uuid, 5000)) return afterExit(h, uuid);
  }
  await killQemu(pid, uuid);
  afterExit(h, uuid);
}

function afterExit(h: QemuHost, uuid: string): void {
  h.qmp.get(uuid)?.close();
  h.qmp.delete(uuid);
}

/** Nova power states from QMP `query-status` (a process that is gone is shutdown). */
export async function powerStateOf(h: QemuHost, paths: InstancePaths, record: InstanceRecord): Promise<number> {
  const client = await qmpOf(h, paths, record.uuid).catch(() => undefined);
  if (!client) {
    if (await livePid(paths, record.uuid)) return 0;
    return (await hasSavedState(paths)) ? 7 : 4;
  }
  const status = await client.execute<{ status: string }>('query-status').catch(() => undefined);
  switch (status?.status) {
    case 'running':
      return 1;
    case 'paused':
    case 'prelaunch':
    case 'inmigrate':
    case 'finish-migrate':
      return record.suspended ? 7 : 3;
    case 'suspended':
      return 7;
    case 'guest-panicked':
    case 'internal-error':
    case 'io-error':
      return 6;
    case undefined:
      return 0;
    default:
      return 4;
  }
}
