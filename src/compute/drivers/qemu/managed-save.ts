import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { QemuHost } from './host-context.ts';
import { type InstanceRecord, writeRecord } from './instance-record.ts';
import { requireQmp, startInstance, stopInstance } from './lifecycle.ts';
import type { InstancePaths } from './paths.ts';
import type { QmpClient } from './qmp.ts';

/** Polls `query-migrate` until the stream is complete; throws when QEMU reports it failed. */
async function migrationDone(client: QmpClient, what: string, signal: AbortSignal): Promise<void> {
  for (;;) {
    const m = await client.execute<{ status?: string; 'error-desc'?: string }>('query-migrate');
    if (m.status === 'completed') return;
    if (m.status === 'failed' || m.status === 'cancelled')
      throw new Error(`${what}: migration ${m.status} ${m['error-desc'] ?? ''}`.trim());
    await sleep(100, undefined, { signal });
  }
}

/** The receiving side: QEMU leaves 'inmigrate' once the whole stream is loaded (paused, as -S asks). */
async function incomingDone(client: QmpClient, what: string, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + 120000;
  for (;;) {
    const { status } = await client.execute<{ status: string }>('query-status');
    if (status !== 'inmigrate') return;
    if (Date.now() > deadline) throw new Error(`${what}: the saved state did not load in 120 s`);
    await sleep(100, undefined, { signal });
  }
}

/**
 * Nova's suspend is libvirt's managed save: the guest's state goes to a file and the process ends, so a
 * suspended guest holds no memory. Here QEMU's migration stream is received on a Unix socket this process
 * listens on and written to `memory.state` (temp name until complete), then QEMU quits.
 */
export async function saveInstance(h: QemuHost, paths: InstancePaths, record: InstanceRecord, signal: AbortSignal) {
  const client = await requireQmp(h, paths, record.uuid, 'suspend');
  await client.execute('stop');
  const tmp = `${paths.savedState}.part`;
  await rm(paths.saveSocket, { force: true });
  let written: Promise<void> | undefined;
  const server = createServer((sock) => {
    written ??= pipeline(sock, createWriteStream(tmp), { signal });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(paths.saveSocket, resolve);
  });
  try {
    await client.execute('migrate', { uri: `unix:${paths.saveSocket}` });
    await migrationDone(client, `suspend of ${record.uuid}`, signal);
    if (!written) throw new Error(`suspend of ${record.uuid}: QEMU never connected to the save socket`);
    await written;
    await rename(tmp, paths.savedState);
  } catch (err) {
    await client.execute('migrate_cancel').catch(() => {});
    await client.execute('cont').catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  } finally {
    server.close();
    await rm(paths.saveSocket, { force: true });
  }
  await stopInstance(h, paths, record.uuid, { graceful: false });
  record.suspended = true;
  await writeRecord(paths.record, record);
}

/** Starts QEMU waiting for an incoming stream, feeds it the saved state, and lets the guest run on. */
export async function restoreInstance(h: QemuHost, paths: InstancePaths, record: InstanceRecord, signal: AbortSignal) {
  const client = await startInstance(h, paths, record, signal, { incoming: paths.saveSocket });
  try {
    const sock = connect(paths.saveSocket);
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    await pipeline(createReadStream(paths.savedState), sock, { signal });
    await incomingDone(client, `resume of ${record.uuid}`, signal);
    await client.execute('cont');
  } catch (err) {
    // The saved state stays: the guest is still suspended, and another resume may work.
    await stopInstance(h, paths, record.uuid, { graceful: false });
    throw err;
  }
  await rm(paths.savedState, { force: true });
  record.suspended = false;
  await writeRecord(paths.record, record);
}
