import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';

/**
 * The helper processes the driver leaves running (dnsmasq, metadata proxies): found again through their pid
 * files, and trusted only when /proc/<pid>/cmdline still carries a marker of ours (a pid file outlives its
 * process, and the pid may have been reused by anything since).
 */
export async function readPid(pidFile: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function cmdlineOf(pid: number): Promise<string[] | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** The pid in `pidFile` when that process is alive and its command line contains `marker`. */
export async function runningPid(pidFile: string, marker: string): Promise<number | undefined> {
  const pid = await readPid(pidFile);
  if (!pid) return undefined;
  const cmd = await cmdlineOf(pid);
  return cmd?.some((arg) => arg.includes(marker)) ? pid : undefined;
}

/** Stops the process of `pidFile` (when it is ours by `marker`), waits for it, and removes the pid file. */
export async function stopPidFile(pidFile: string, marker: string): Promise<boolean> {
  const pid = await runningPid(pidFile, marker);
  if (pid) await killAndWait(pid);
  await rm(pidFile, { force: true });
  return Boolean(pid);
}

export async function killAndWait(pid: number, ms = 3000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await cmdlineOf(pid))?.length) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}

/**
 * Starts a long-lived helper detached from this process (its own session, output to `logFile`), so guests
 * keep their DHCP and metadata across a restart of Strata. Returns its pid.
 */
export function spawnDetached(cmd: string, args: string[], logFile: string): number {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    if (!child.pid) throw new Error(`cannot start ${cmd}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** Every running process whose command line contains all of `markers` (orphans whose pid file is gone). */
export async function findProcesses(markers: string[]): Promise<{ pid: number; cmdline: string[] }[]> {
  const found: { pid: number; cmdline: string[] }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const cmd = await cmdlineOf(pid);
    if (cmd && markers.every((m) => cmd.some((a) => a.includes(m)))) found.push({ pid, cmdline: cmd });
  }
  return found;
}
