import { readFileSync } from 'node:fs';
import type { Transfer } from './image-transfer.ts';
import { cpuMs, machineBusyMs, rssMiB, sampleRss } from './proc-stats.ts';

/** One timed transfer with what the server, the client (this process) and the rest of the machine spent on it. */
export interface MeasuredTransfer {
  bytes: number;
  ms: number;
  mbps: number;
  /** CPU time over the transfer as % of one core (100% = one core busy throughout). */
  serverCpuPct: number;
  clientCpuPct: number;
  /** The rest of the machine: other helpers' tests, the kernel's writeback, a local database. */
  otherCpuPct: number;
  /** The server's VmRSS just before, the largest sampled during, and just after the transfer (MiB). */
  rss: { beforeMiB: number; peakMiB: number; afterMiB: number };
}

/** Runs `go` while sampling the server `pid`'s RSS and CPU; throws when the answer is not `expect`. */
export async function measureTransfer(
  pid: number,
  expect: number,
  what: string,
  go: () => Promise<Transfer>,
): Promise<MeasuredTransfer> {
  const beforeMiB = rssMiB(pid) ?? 0;
  const sampler = sampleRss(pid, 50);
  const server0 = cpuMs(pid);
  const client0 = clientCpuMs();
  const busy0 = machineBusyMs();
  const t = await go();
  const clientMs = clientCpuMs() - client0;
  const serverMs = cpuMs(pid) - server0;
  const busyMs = machineBusyMs() - busy0;
  const peakMiB = sampler.stop();
  if (t.status !== expect) throw new Error(`${what} answered ${t.status}, not ${expect}: ${t.text.slice(0, 500)}`);
  const pct = (ms: number) => (100 * ms) / t.ms;
  return {
    bytes: t.bytes,
    ms: t.ms,
    mbps: t.mbps,
    serverCpuPct: pct(serverMs),
    clientCpuPct: pct(clientMs),
    otherCpuPct: Math.max(0, pct(busyMs - serverMs - clientMs)),
    rss: { beforeMiB, peakMiB, afterMiB: rssMiB(pid) ?? 0 },
  };
}

/** This process's CPU plus that of its finished children (a curl client), in ms: cutime and cstime. */
function clientCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Same USER_HZ ticks as proc-stats' cpuMs, 100 per second.
  return cpuMs(process.pid) + (Number(fields[13]) + Number(fields[14])) * 10;
}
