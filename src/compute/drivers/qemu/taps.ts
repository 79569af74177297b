import { setTimeout as sleep } from 'node:timers/promises';
import { run } from '../../../core/host/run.ts';

interface LinkJson {
  ifname: string;
  master?: string;
  stats64?: { rx: { bytes: number }; tx: { bytes: number } };
}

async function link(ns: string, tap: string, withStats = false): Promise<LinkJson | undefined> {
  const out = await run('ip', ['-n', ns, '-j', ...(withStats ? ['-s'] : []), 'link', 'show', 'dev', tap], {
    allowFail: true,
  });
  if (out.code !== 0 || !out.stdout.trim()) return undefined;
  return (JSON.parse(out.stdout) as LinkJson[])[0];
}

/**
 * The port's tap in the host namespace, created persistent if the dataplane has not made it yet (whoever comes
 * first creates it; losing that race is fine), and up: QEMU with script=no leaves the link as it finds it.
 */
export async function ensureTap(ns: string, tap: string): Promise<void> {
  if (!(await link(ns, tap))) {
    const made = await run('ip', ['-n', ns, 'tuntap', 'add', 'dev', tap, 'mode', 'tap'], { allowFail: true });
    if (made.code !== 0 && !(await link(ns, tap))) throw new Error(`ip tuntap add ${tap} in ${ns}: ${made.stderr}`);
  }
  await run('ip', ['-n', ns, 'link', 'set', 'dev', tap, 'up']);
}

export async function deleteTap(ns: string, tap: string): Promise<void> {
  await run('ip', ['-n', ns, 'link', 'delete', 'dev', tap], { allowFail: true });
}

/** Waits until every tap has a bridge master (the network agent plugged it); returns the ones still unplugged. */
export async function waitPlugged(ns: string, taps: string[], timeoutMs: number, signal: AbortSignal) {
  const deadline = Date.now() + timeoutMs;
  let left = taps;
  for (;;) {
    const masters = await Promise.all(left.map((t) => link(ns, t)));
    left = left.filter((_, i) => !masters[i]?.master);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await sleep(200, undefined, { signal });
  }
}

/** Bytes seen by the tap: what it receives is what the guest sent. */
export async function tapCounters(ns: string, tap: string): Promise<{ rx: number; tx: number } | undefined> {
  const l = await link(ns, tap, true);
  if (!l?.stats64) return undefined;
  return { rx: l.stats64.tx.bytes, tx: l.stats64.rx.bytes };
}
