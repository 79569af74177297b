import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';

export const bin = resolve(import.meta.dirname, '../../bin/strata');
export const cliEnv = {
  ...process.env,
  STRATA_LOG_LEVEL: 'warn',
  STRATA_IDENTITY__SCRYPT__N: '1024',
  STRATA_IDENTITY__SCRYPT__P: '1',
};

/** Runs `strata start <args>` on a new data directory until its banner is printed; stopped after the test. */
export async function startCli(
  t: TestContext,
  args: string[],
  env: Record<string, string>,
): Promise<{ url: string; banner: string; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-cli-'));
  const child = spawn(bin, ['start', '--data-dir', dataDir, '--port', '0', ...args], { env: { ...cliEnv, ...env } });
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await rm(dataDir, { recursive: true, force: true });
  });
  let out = '';
  const banner = await new Promise<string>((ok, fail) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c;
      if (/\nTry: /.test(out)) ok(out);
    });
    child.once('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
  });
  const url = banner.match(/Strata is up in \d+ ms at (\S+)/)?.[1] ?? '';
  return { url, banner, dataDir };
}
