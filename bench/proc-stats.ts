import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on every mainstream architecture). */
const TICKS_PER_SECOND = 100;

/** Resident set size of a process in MiB, from VmRSS in /proc/<pid>/status; undefined once it has gone. */
export function rssMiB(pid: number): number | undefined {
  return statusField(pid, 'VmRSS');
}

/** The kernel's high-water mark of the resident set over the process's whole life (VmHWM), in MiB. */
export function peakRssMiB(pid: number): number | undefined {
  return statusField(pid, 'VmHWM');
}

function statusField(pid: number, field: string): number | undefined {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User plus system CPU time the process has used so far, in ms (all its threads, libuv pool included). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name in field 2 may contain spaces; fields after the closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU time the whole machine has spent busy so far (every core; idle and iowait excluded), in ms, from the
 * first line of /proc/stat. Minus what the server and the load generator used, it shows other work competing.
 */
export function machineBusyMs(): number {
  const [line] = readFileSync('/proc/stat', 'utf8').split('\n', 1);
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user already)
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / TICKS_PER_SECOND;
}

/** Samples a process's RSS on an interval and remembers the largest value seen. */
export function sampleRss(pid: number, intervalMs = 100): { peak(): number; stop(): number } {
  let peak = rssMiB(pid) ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMiB(pid) ?? 0);
  }, intervalMs);
  timer.unref();
  return {
    peak: () => peak,
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, rssMiB(pid) ?? 0);
      return peak;
    },
  };
}
