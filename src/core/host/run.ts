import { execFile } from 'node:child_process';

export interface RunOptions {
  /** Run inside this network namespace (`ip netns exec <netns> ...`). */
  netns?: string;
  /** Written to the command's standard input (nft -f -, for instance). */
  input?: string;
  signal?: AbortSignal;
  /** Resolve with the exit code instead of throwing when the command fails. */
  allowFail?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a host command (ip, nft, qemu-img, ...) and collects its output. A failure throws an Error whose message
 * names the command and carries its stderr, so a driver's log says what the machine refused and why.
 */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, argv] = opts.netns ? ['ip', ['netns', 'exec', opts.netns, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      argv,
      { signal: opts.signal, env: opts.env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        if (err && !opts.allowFail) {
          const shown = [file, ...argv].join(' ');
          reject(
            new Error(`${shown.length > 300 ? `${shown.slice(0, 300)}…` : shown}: ${stderr.trim() || err.message}`),
          );
          return;
        }
        resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Whether a command is on PATH (what `auto` driver choices look for). */
export async function commandExists(cmd: string): Promise<boolean> {
  const found = await run('sh', ['-c', `command -v ${cmd}`], { allowFail: true });
  return found.code === 0;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}
