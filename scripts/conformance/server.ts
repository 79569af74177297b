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
  stop(): Promise<void>;
}

/**
 * Starts `strata start` as a child process on a free loopback port with a new data directory, waits for its
 * banner, and returns how to reach it. `stop()` ends that process (by its pid) and removes the directory.
 */
export async function startServer(opts: { dataDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ServerProcess> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'strata-conf-')));
  const password = `Conf-${randomBytes(9).toString('base64url')}`;
  const bin = resolve(import.meta.dirname, '../../bin/strata');
  const child = spawn(bin, ['start', '--data-dir', dataDir, '--port', '0'], {
    env: {
      ...process.env,
      STRATA_ADMIN_PASSWORD: password,
      STRATA_LOG_LEVEL: 'warn',
      STRATA_DRIVERS: 'fake',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await banner(child);
  return {
    url,
    authUrl: `${url}/identity/v3`,
    password,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
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

function banner(child: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`strata did not start in 30 s:\n${seen}`)), 30000);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
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
