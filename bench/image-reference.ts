import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { trackPid } from './teardown.ts';

const SCRIPT = fileURLToPath(new URL('./image-reference-server.ts', import.meta.url));

export interface ReferenceServer {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts bench/image-reference-server.ts as its own process (the same Node as the bench), serving `file` and
 * writing uploads under `dir`; resolves once it listens.
 */
export async function startReferenceServer(file: string, dir: string, signal: AbortSignal): Promise<ReferenceServer> {
  const child = spawn(process.execPath, [SCRIPT, file, dir], { stdio: ['ignore', 'pipe', 'inherit'], signal });
  if (child.pid === undefined) throw (await once(child, 'error'))[0] as Error;
  const pid = child.pid;
  const untrack = trackPid(pid);
  const exited = once(child, 'exit').then(() => untrack());
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  let seen = '';
  for await (const chunk of child.stdout) {
    seen += chunk;
    const m = seen.match(/listening (\d+)/);
    if (m) return { pid, url: `http://127.0.0.1:${m[1]}`, stop };
  }
  await stop();
  throw new Error(`the reference server exited before listening: ${seen}`);
}
