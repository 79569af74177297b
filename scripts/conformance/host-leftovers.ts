import { readdirSync, readFileSync } from 'node:fs';
import { listNamespaces } from '../../src/core/host/netns.ts';
import { run } from '../../src/core/host/run.ts';

/**
 * What a real cloud left on the machine: links, namespaces, nft tables and processes named or placed so they
 * are its own. Used by test/e2e after "delete everything" and after a stop. Only this cloud's names are looked
 * at (other clouds may run on the same machine): its host namespace, the DHCP and router namespaces of the ids
 * it was given, and QEMU/dnsmasq processes whose command line names its data directory or that run in one of
 * its namespaces.
 */
export interface LeftoverScope {
  dataDir: string;
  hostNamespace: string;
  networkIds: string[];
  routerIds: string[];
}

/** Links the dataplane makes per port, network and router (shared naming contract). */
const OWNED_LINK = /^(tap|brq|qr-|qg-|ns-)/;

export async function findLeftovers(scope: LeftoverScope): Promise<string[]> {
  const found: string[] = [];
  const namespaces = await listNamespaces();
  const ours = namespaces.filter(
    (ns) =>
      ns === scope.hostNamespace ||
      scope.networkIds.some((id) => ns === `strata-dhcp-${id}`) ||
      scope.routerIds.some((id) => ns === `strata-router-${id}`),
  );
  for (const ns of ours) {
    if (ns !== scope.hostNamespace) found.push(`namespace ${ns}`);
    const links = await linksIn(ns);
    const owned = ns === scope.hostNamespace ? links.filter((l) => OWNED_LINK.test(l)) : links;
    for (const l of owned) if (l !== 'lo') found.push(`link ${l} in ${ns}`);
    // The host namespace keeps the port filter's two base tables while its agent runs (they hold no port then).
    if (ns !== scope.hostNamespace) for (const t of await nftTablesIn(ns)) found.push(`nft table ${t} in ${ns}`);
  }
  for (const p of processesOf(scope.dataDir, await pidsIn(ours))) found.push(`process ${p.pid} ${p.cmd.slice(0, 160)}`);
  return found;
}

async function linksIn(ns: string): Promise<string[]> {
  const out = await run('ip', ['-n', ns, '-j', 'link', 'show'], { allowFail: true });
  if (out.code !== 0 || !out.stdout.trim()) return [];
  return (JSON.parse(out.stdout) as { ifname: string }[]).map((l) => l.ifname);
}

async function nftTablesIn(ns: string): Promise<string[]> {
  const out = await run('nft', ['list', 'tables'], { netns: ns, allowFail: true });
  return out.stdout
    .split('\n')
    .map((l) => l.trim().replace(/^table\s+/, ''))
    .filter((l) => /\bstrata_/.test(l));
}

async function pidsIn(namespaces: string[]): Promise<Set<number>> {
  const pids = new Set<number>();
  for (const ns of namespaces) {
    const out = await run('ip', ['netns', 'pids', ns], { allowFail: true });
    for (const p of out.stdout.split(/\s+/).filter(Boolean)) pids.add(Number(p));
  }
  return pids;
}

export interface OwnedProcess {
  pid: number;
  cmd: string;
}

/** QEMU, dnsmasq and metadata proxy processes of a cloud: their command line names its data directory, or they run in its namespaces. */
export function processesOf(dataDir: string, inNamespaces: Set<number> = new Set()): OwnedProcess[] {
  const out: OwnedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    } catch {
      continue;
    }
    // ns-proxy.ts: the dataplane's metadata proxy (and net exec's API forwarder), one per DHCP namespace.
    if (!/qemu-system|dnsmasq|ns-proxy\.ts/.test(cmd)) continue;
    const pid = Number(entry);
    if (cmd.includes(dataDir) || inNamespaces.has(pid)) out.push({ pid, cmd });
  }
  return out;
}

/**
 * Cleans what a failed test left behind, so a failure does not leak onto the machine: kills the cloud's QEMU and
 * dnsmasq processes by pid and deletes its namespaces (which takes their links and nft tables with them).
 */
export async function removeLeftovers(scope: LeftoverScope): Promise<void> {
  const namespaces = (await listNamespaces()).filter(
    (ns) =>
      ns === scope.hostNamespace ||
      scope.networkIds.some((id) => ns === `strata-dhcp-${id}`) ||
      scope.routerIds.some((id) => ns === `strata-router-${id}`),
  );
  for (const p of processesOf(scope.dataDir, await pidsIn(namespaces))) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {}
  }
  for (const ns of namespaces) await run('ip', ['netns', 'delete', ns], { allowFail: true });
}
