import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from '../../../core/host/run.ts';
import type { InstancePaths } from './paths.ts';

/**
 * The QEMU process of an instance, from its pidfile, only if /proc says it is still that instance's QEMU (a
 * recycled pid must never be killed) and not a zombie.
 */
export async function livePid(paths: InstancePaths, uuid: string): Promise<number | undefined> {
  const text = await readFile(paths.pidfile, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  return (await isInstanceProcess(pid, uuid)) ? pid : undefined;
}

export async function isInstanceProcess(pid: number, uuid: string): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.split('\0').includes(uuid)) return false;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X' && state !== '';
}

/**
 * Starts QEMU inside the host namespace. `-daemonize` makes the command return once the guest is set up (still
 * paused by -S) with the pid in the pidfile, so a start error arrives here with QEMU's own message.
 */
export async function launchQemu(
  binary: string,
  ns: string,
  args: string[],
  paths: InstancePaths,
  signal: AbortSignal,
): Promise<void> {
  await mkdir(dirname(paths.qmpSocket), { recursive: true });
  await Promise.all(
    [paths.pidfile, paths.qmpSocket, paths.serialSocket, paths.vncSocket].map((p) => rm(p, { force: true })),
  );
  await run(binary, args, { netns: ns, signal });
}

/** Waits for a process to end; false when it still runs after `timeoutMs`. */
export async function waitGone(pid: number, uuid: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isInstanceProcess(pid, uuid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100, undefined, { signal });
  }
  return true;
}

/** SIGTERM, then SIGKILL if QEMU has not gone after 5 s. */
export async function killQemu(pid: number, uuid: string): Promise<void> {
  if (!(await isInstanceProcess(pid, uuid))) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitGone(pid, uuid, 5000)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
  await waitGone(pid, uuid, 5000);
}

/** CPU time (ns) and resident memory (bytes) of a process, from /proc/<pid>/stat (clock ticks of 1/100 s). */
export async function processUsage(pid: number): Promise<{ cpuNs: number; rssBytes: number } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command: state is [0], so utime (14) is [11], stime (15) [12], rss (24) [21].
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { cpuNs: ticks * 10_000_000, rssBytes: Number(fields[21]) * 4096 };
}

/** QEMU processes whose pidfile lies under `dir` (a host's instances directory), found through /proc. */
export async function qemuProcessesUnder(dir: string): Promise<{ pid: number; uuid: string; pidfile: string }[]> {
  const found: { pid: number; uuid: string; pidfile: string }[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const pidfile = argv[argv.indexOf('-pidfile') + 1];
    const uuid = argv[argv.indexOf('-uuid') + 1];
    if (!argv.includes('-pidfile') || !argv.includes('-uuid') || !pidfile?.startsWith(`${dir}/`)) continue;
    found.push({ pid: Number(entry), uuid, pidfile });
  }
  return found;
}
