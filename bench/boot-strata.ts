/**
 * The Strata side of `npm run bench -- boot`: servers created through the Compute API of a real cloud (qemu
 * driver, linux dataplane), timed from the create's 202 to the ready marker in the instance's console log, and
 * what Strata itself holds per instance (its RSS growth and any helper process besides QEMU).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readIfThere, waitForReadyFile } from './boot-bare.ts';
import type { ApiClient } from './compute-client.ts';
import { rssMiB } from './proc-stats.ts';

export interface StrataBootSpec {
  imageRef: string;
  flavorRef: string;
  networkId: string;
  keyName: string;
  configDrive: boolean;
}

export interface BootTiming {
  /** The create's own latency (request sent to 202). */
  acceptMs: number;
  /** 202 to the ready marker (Strata), or spawn preparation to the marker (bare). */
  readyMs: number;
  /** When this boot's clock started, from the start of its batch (all ready = max of offset + readyMs). */
  offsetMs: number;
  line: string;
}

/**
 * Creates `count` servers at once and waits for each one's ready marker, read from its console.log under the
 * data directory (what `console log show` returns, without polling the API while the boots are timed).
 */
export async function bootStrata(
  compute: ApiClient,
  dataDir: string,
  host: string,
  count: number,
  spec: StrataBootSpec,
  prefix: string,
  signal: AbortSignal,
): Promise<{ ids: string[]; timings: BootTiming[] }> {
  const ids: string[] = [];
  const batch = performance.now();
  const timings = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const sent = performance.now();
      const res = await compute.call('POST', '/servers', {
        server: {
          name: `${prefix}-${i}`,
          imageRef: spec.imageRef,
          flavorRef: spec.flavorRef,
          networks: [{ uuid: spec.networkId }],
          key_name: spec.keyName,
          config_drive: spec.configDrive,
        },
      });
      const accepted = performance.now();
      if (res.status !== 202) throw new Error(`server create answered ${res.status}: ${JSON.stringify(res.body)}`);
      const id = (res.body as { server: { id: string } }).server.id;
      ids.push(id);
      const log = join(dataDir, 'compute', host, 'instances', id, 'console.log');
      const ready = await waitForReadyFile(readIfThere(log), 240_000, signal, () => true).catch(async (err) => {
        const s = await compute.call('GET', `/servers/${id}`);
        throw new Error(`server ${id}: ${(err as Error).message} (status ${JSON.stringify(s.body)})`);
      });
      return { acceptMs: accepted - sent, readyMs: ready.at - accepted, offsetMs: accepted - batch, line: ready.line };
    }),
  );
  return { ids, timings };
}

export async function deleteAll(compute: ApiClient, ids: string[]): Promise<void> {
  await Promise.all(ids.map((id) => compute.call('DELETE', `/servers/${id}`)));
  const deadline = Date.now() + 120_000;
  for (const id of ids) {
    while ((await compute.call('GET', `/servers/${id}`)).status !== 404) {
      if (Date.now() > deadline) throw new Error(`server ${id} was not deleted within 120 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Helper processes of a cloud besides QEMU: its children, anything whose command line names its data directory,
 * and whatever runs in its namespaces (`inNamespaces`, from `ip netns pids`: dnsmasq, metadata proxies).
 */
export function helperProcesses(
  dataDir: string,
  strataPid: number,
  inNamespaces: Set<number>,
): { pid: number; cmd: string; rssMiB: number }[] {
  const out: { pid: number; cmd: string; rssMiB: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === strataPid) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    } catch {
      continue;
    }
    const pid = Number(entry);
    if (!cmd.includes(dataDir) && !inNamespaces.has(pid) && !isDescendant(pid, strataPid)) continue;
    if (/qemu-system/.test(cmd)) continue;
    out.push({ pid: Number(entry), cmd, rssMiB: rssMiB(Number(entry)) ?? 0 });
  }
  return out;
}

function isDescendant(pid: number, ancestor: number): boolean {
  for (let p = pid, hops = 0; p > 1 && hops < 20; hops++) {
    if (p === ancestor) return true;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return false;
    }
  }
  return false;
}

/** RSS of the QEMU processes of these instances (their uuid is on the command line). */
export function qemuRssMiB(ids: string[]): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (/qemu-system/.test(cmd) && ids.some((id) => cmd.includes(id))) out.push(rssMiB(Number(entry)) ?? 0);
    } catch {}
  }
  return out;
}
