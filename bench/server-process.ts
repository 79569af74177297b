import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { trackPid } from './teardown.ts';

const STRATA = fileURLToPath(new URL('../bin/strata', import.meta.url));
const BANNER = /Strata is up in (\d+) ms at (\S+)/;

/** A `strata start` running as its own process, as an operator would run it. */
export interface ServerProcess {
  pid: number;
  url: string;
  /** performance.now() just before spawn, and when the banner line arrived. */
  spawnedAt: number;
  bannerAt: number;
  /** The start-up time the server reports about itself (config loaded to listening and bootstrapped). */
  reportedMs: number;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  dataDir: string;
  port: number;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** How long to wait for the banner. */
  timeoutMs?: number;
}

/** A port nothing listens on right now: bind 0 on loopback, read it, release it. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const addr = srv.address();
  srv.close();
  await once(srv, 'close');
  if (!addr || typeof addr === 'string') throw new Error('could not read the port of a probe socket');
  return addr.port;
}

export async function startServer(o: StartOptions): Promise<ServerProcess> {
  const spawnedAt = performance.now();
  const child = spawn(STRATA, ['start', '--data-dir', o.dataDir, '--port', String(o.port), '--host', '127.0.0.1'], {
    env: o.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    const [err] = await once(child, 'error');
    throw new Error(`cannot spawn ${STRATA}: ${(err as Error).message}`);
  }
  const pid = child.pid;
  const untrack = trackPid(pid);
  const exited = once(child, 'exit').then(() => untrack());
  // bin/strata execs node, so this pid is the server itself; its RSS is what /proc/<pid>/status reports.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8192);
  };
  child.stderr.on('data', keep);

  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  try {
    const { reportedMs, url, bannerAt } = await waitForBanner(child, keep, o);
    // Keep draining both pipes: a server blocked on a full stdout pipe would be measured as slow.
    child.stdout.on('data', keep);
    return { pid, url, spawnedAt, bannerAt, reportedMs, stop };
  } catch (err) {
    await stop(2000);
    throw new Error(`strata start did not come up: ${(err as Error).message}\n--- server output ---\n${output}`);
  }
}

function waitForBanner(
  child: ChildProcess,
  keep: (chunk: Buffer) => void,
  o: StartOptions,
): Promise<{ reportedMs: number; url: string; bannerAt: number }> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => done(new Error(`no banner within ${o.timeoutMs ?? 30_000} ms`)),
      o.timeoutMs ?? 30_000,
    );
    const onAbort = () => done(new Error('aborted'));
    const onExit = (code: number | null, sig: string | null) => done(new Error(`exited early (${code ?? sig})`));
    const onData = (chunk: Buffer) => {
      keep(chunk);
      buffered += chunk.toString();
      const m = buffered.match(BANNER);
      if (m) done(undefined, { reportedMs: Number(m[1]), url: m[2], bannerAt: performance.now() });
    };
    const done = (err?: Error, value?: { reportedMs: number; url: string; bannerAt: number }) => {
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      child.off('exit', onExit);
      child.stdout?.off('data', onData);
      if (err) reject(err);
      else resolve(value!);
    };
    o.signal.addEventListener('abort', onAbort, { once: true });
    child.on('exit', onExit);
    child.stdout?.on('data', onData);
  });
}
