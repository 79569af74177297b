import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './load-spec.ts';
import { trackPid } from './teardown.ts';

const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

/**
 * Runs one load spec in a fresh load-generator process (autocannon) and returns its figures. The process is
 * killed if the signal aborts or the run overstays its expected length by a wide margin.
 */
export async function runLoad(spec: LoadSpec, { signal }: { signal: AbortSignal }): Promise<LoadResult> {
  const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (child.pid === undefined) {
    const [err] = await once(child, 'error');
    throw new Error(`cannot start the load generator: ${(err as Error).message}`);
  }
  const untrack = trackPid(child.pid);
  const expectedS = spec.durationS ?? (spec.amount ?? 0) * (spec.timeoutS ?? 30);
  const limit = AbortSignal.any([signal, AbortSignal.timeout((expectedS + 60) * 1000)]);
  const onAbort = () => child.kill('SIGKILL');
  limit.addEventListener('abort', onAbort, { once: true });
  const exited = once(child, 'exit');
  try {
    child.send(spec);
    const reply = new Promise<{ result?: LoadResult; error?: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { result?: LoadResult; error?: string }));
      child.once('exit', (code, sig) => reject(new Error(`load generator exited (${code ?? sig}) without a result`)));
    });
    const { result, error } = await reply;
    if (error || !result) throw new Error(`load generator failed: ${error}`);
    return result;
  } finally {
    limit.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    untrack();
  }
}
