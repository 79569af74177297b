import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import type { ComputeDeps } from '../../src/compute/deps.ts';
import { startMetadataServer } from '../../src/compute/metadata/server.ts';
import { loadConfig } from '../../src/core/config.ts';

async function depsFor(socketPath: string) {
  const config = await loadConfig({ env: {}, values: { compute: { metadataSocket: socketPath } } });
  // The socket's life cycle needs neither the database nor Networking: no request is made here.
  return { config, log: pino({ level: 'silent' }), db: undefined, network: undefined } as unknown as ComputeDeps;
}

/** A socket file whose process died without removing it (SIGKILL), as after a crash. */
async function staleSocket(path: string): Promise<void> {
  const script = `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

test('the metadata socket: made in a new directory, 0600, a stale one replaced, a live one not taken, removed on close', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-mdsock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'run', 'nested', 'metadata.sock');

  const first = await startMetadataServer(await depsFor(path));
  const st = await lstat(path);
  assert.ok(st.isSocket());
  assert.equal(st.mode & 0o777, 0o600);
  await assert.rejects(startMetadataServer(await depsFor(path)), /another metadata server is listening/);
  await first.close();
  assert.equal(existsSync(path), false);

  await staleSocket(path);
  assert.ok((await lstat(path)).isSocket(), 'the killed process left its socket file');
  const second = await startMetadataServer(await depsFor(path));
  await second.close();

  await writeFile(path, 'not a socket');
  await assert.rejects(startMetadataServer(await depsFor(path)), /not a socket/);
});
