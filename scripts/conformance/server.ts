import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ServerProcess {
  url: string;
  authUrl: string;
  password: string;
  pid: number;
  dataDir: string;
  /** The last 64 kB the server wrote to its stdout (the banner and its driver lines). */
  output(): string;
  stop(): Promise<void>;
}

const seenOutput = new WeakMap<ChildProcess, string>();

/**
 * Starts `strata start` as a child process on a free loopback port with a new data directory, waits for its
 * banner, and returns how to reach it. `stop()` ends that process (by its pid) and removes the directory.
 */
export async function startServer(
  opts: {
    dataDir?: string;
    env?: NodeJS.ProcessEnv;
    /** More `strata start` arguments (`--first-run`). */
    args?: string[];
    /** How long to wait for the banner (a first run that builds the guest image takes longer than 30 s). */
    bannerTimeoutMs?: number;
    /** Keep the data directory on stop (a restart on the same directory follows). */
    keepDataDir?: boolean;
    /** The admin password (a restart must use the one the cloud was bootstrapped with). */
    password?: string;
    /** The API port (a restart keeps the first start's, which the catalog names); default a free one. */
    port?: number;
  } = {},
): Promise<ServerProcess> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'strata-conf-')));
  const password = opts.password ?? `Conf-${randomBytes(9).toString('base64url')}`;
  const bin = resolve(import.meta.dirname, '../../bin/strata');
  const child = spawn(bin, ['start', '--data-dir', dataDir, '--port', String(opts.port ?? 0), ...(opts.args ?? [])], {
    env: {
      ...process.env,
      STRATA_ADMIN_PASSWORD: password,
      STRATA_LOG_LEVEL: 'warn',
      STRATA_DRIVERS: 'fake',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Still shown as before, and kept so a failed start's error carries the reason.
  let errTail = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    errTail = (errTail + chunk.toString()).slice(-8192);
  });
  const url = await banner(child, opts.bannerTimeoutMs ?? 30000).catch(async (err: Error) => {
    if (child.exitCode === null) child.kill('SIGTERM');
    if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    throw new Error(`${err.message}${errTail ? `\n--- stderr ---\n${errTail}` : ''}`);
  });
  return {
    url,
    dataDir,
    output: () => seenOutput.get(child) ?? '',
    authUrl: `${url}/identity/v3`,
    password,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      if (!opts.dataDir && !opts.keepDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `STRATA_IDENTITY__SECURITY_COMPLIANCE__LOCKOUT_FAILURE_ATTEMPTS=3` and so on: loadConfig's env overrides. */
export function securityComplianceEnv(settings: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [
      `STRATA_IDENTITY__SECURITY_COMPLIANCE__${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`,
      String(value),
    ]),
  );
}

function banner(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`strata did not start in ${timeoutMs / 1000} s:\n${seen}`)),
      timeoutMs,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-65536);
      seenOutput.set(child, seen);
      const m = seen.match(/Strata is up in \d+ ms at (\S+)/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`strata exited with ${code} before it was up:\n${seen}`));
    });
  });
}
