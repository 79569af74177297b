import { spawn } from 'node:child_process';

export interface RunOptions {
  signal: AbortSignal;
  /** Written to the tool's stdin, then closed. */
  input?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs one host tool with an argument array and resolves to its stdout. A non-zero exit rejects with the tool's
 * stderr in the message, because the builder's failures are almost always a missing or misbehaving host tool.
 */
export function runTool(cmd: string, args: readonly string[], opts: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      signal: opts.signal,
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`, { cause: e })));
    child.on('close', (code, sig) => {
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const why = sig ? `killed by ${sig}` : `exit ${code}`;
      reject(new Error(`${cmd} ${args.join(' ')}: ${why}: ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    if (child.stdin) {
      // A tool that exits without reading its input closes the pipe; its exit status tells what happened.
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input);
    }
  });
}
