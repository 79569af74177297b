import { rmSync } from 'node:fs';

/**
 * Last-resort cleanup for what a bench started: child pids to kill and temporary directories to remove.
 * The normal path stops servers gracefully and removes directories itself; this catches a thrown error that
 * escapes, Ctrl-C, or SIGTERM, so no server is left holding a port and no data directory is left in /tmp.
 * Everything here is synchronous because it also runs from the 'exit' event.
 */
const pids = new Set<number>();
const dirs = new Set<string>();
let installed = false;

export function trackPid(pid: number): () => void {
  install();
  pids.add(pid);
  return () => pids.delete(pid);
}

export function trackDir(dir: string): () => void {
  install();
  dirs.add(dir);
  return () => dirs.delete(dir);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}, stopping what it started`);
      runNow();
      process.exit(130);
    });
  }
}

function runNow(): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  pids.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}
