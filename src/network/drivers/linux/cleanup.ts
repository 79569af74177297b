import { readdir, rm, stat } from 'node:fs/promises';
import { deleteNamespace, listNamespaces } from '../../../core/host/netns.ts';
import { run } from '../../../core/host/run.ts';
import type { DesiredState } from '../dataplane.ts';
import { externalDir } from './bridges.ts';
import type { LinuxContext } from './context.ts';
import { removeDhcp } from './dhcp.ts';
import { removeHostPatchesOf } from './host-patches.ts';
import { deleteLink, listLinks } from './links.ts';
import { metadataDir, proxyMarker, removeMetadataProxy } from './metadata.ts';
import { bridgeName, hostVethPeerName, ownedLinkPrefixes, tapName, vxlanName } from './names.ts';
import { FILTER_TABLE, PORTS_TABLE } from './port-rules.ts';
import { findProcesses, killAndWait } from './processes.ts';
import { removeRouter } from './router.ts';

/**
 * The removal half of `sync`: everything of ours on this host that no desired resource owns. DHCP and router
 * namespaces are global names (not per host), so one host only removes those it recorded under its state
 * directory, plus those left with no interface for over a minute (their host namespace went away with the peers).
 */
export async function removeOrphans(ctx: LinuxContext, desired: DesiredState): Promise<string[]> {
  const removed: string[] = [];
  const dhcpIds = new Set(desired.dhcp.map((d) => d.network.id));
  const routerIds = new Set(desired.routers.map((r) => r.id));
  const proxyIds = new Set(desired.metadata.map((m) => m.network_id));

  for (const id of await recorded(`${ctx.stateDir}/dhcp`))
    if (!dhcpIds.has(id)) {
      await removeMetadataProxy(ctx, id);
      await removeDhcp(ctx, id);
      removed.push(`dhcp ${id}`);
    }
  for (const file of await recorded(metadataDir(ctx))) {
    const id = file.replace(/\.(pid|log)$/, '');
    if (file.endsWith('.pid') && !proxyIds.has(id)) {
      await removeMetadataProxy(ctx, id);
      removed.push(`metadata proxy ${id}`);
    }
  }
  for (const id of await recorded(`${ctx.stateDir}/routers`))
    if (!routerIds.has(id)) {
      await removeRouter(ctx, id);
      await rm(`${ctx.stateDir}/routers/${id}`, { force: true });
      removed.push(`router ${id}`);
    }
  // Helpers whose pid file is gone: recognised by our state directory (dnsmasq) or proxy script and id.
  for (const p of await findProcesses([`${ctx.stateDir}/`])) {
    const net = /\/dhcp\/([0-9a-f-]{36})\//.exec(p.cmdline.join(' '))?.[1];
    const proxied = /--network-id=([0-9a-f-]+)/.exec(p.cmdline.join(' '))?.[1];
    const ours = p.cmdline.some((a) => a.includes(ctx.proxyScript)) || p.cmdline.some((a) => a.endsWith('dnsmasq'));
    if (!ours) continue;
    if (
      (net && !dhcpIds.has(net) && !proxied) ||
      (proxied && !proxyIds.has(proxied) && p.cmdline.includes(proxyMarker(proxied)))
    ) {
      await killAndWait(p.pid);
      removed.push(`process ${p.pid}`);
    }
  }

  for (const ns of await listNamespaces()) {
    const dhcp = /^strata-dhcp-(.+)$/.exec(ns)?.[1];
    const router = /^strata-router-(.+)$/.exec(ns)?.[1];
    if ((dhcp && !dhcpIds.has(dhcp)) || (router && !routerIds.has(router))) {
      const links = (await listLinks(ns)).filter((l) => l.ifname !== 'lo');
      // Another host's driver may be between creating a namespace and giving it its veth: only a namespace
      // that has stayed empty for a while is an orphan.
      const age = Date.now() - ((await stat(`/run/netns/${ns}`).catch(() => undefined))?.ctimeMs ?? Date.now());
      if (links.length === 0 && age > 60_000) {
        await deleteNamespace(ns);
        removed.push(ns);
      }
    }
  }

  const owned = ownedLinks(ctx, desired);
  for (const link of await listLinks(ctx.hostNs)) {
    const name = link.ifname.split('@')[0];
    // A patch to another host whose bridge here went away.
    if (name.startsWith('pt-') && !link.master) {
      await deleteLink(ctx.hostNs, name);
      removed.push(name);
      continue;
    }
    if (!ownedLinkPrefixes.some((p) => name.startsWith(p)) || owned.has(name)) continue;
    if (name.startsWith('brq')) await removeHostPatchesOf(ctx, name);
    // A tap a process holds open (LOWER_UP) is a running QEMU's: the compute side settles that instance first.
    if (link.linkinfo?.info_kind === 'tun' && link.flags?.includes('LOWER_UP')) continue;
    await deleteLink(ctx.hostNs, name);
    removed.push(name);
  }
  // Records of external bridges for networks gone while no driver ran (what `strata net exec` reads).
  for (const id of await recorded(externalDir(ctx)))
    if (!desired.networks.some((n) => n.id === id)) await rm(`${externalDir(ctx)}/${id}`, { force: true });
  removed.push(...(await removeForeignTables(ctx)));
  return removed;
}

/** Every host-namespace interface a desired resource owns. */
function ownedLinks(ctx: LinuxContext, desired: DesiredState): Set<string> {
  const owned = new Set<string>();
  for (const n of desired.networks) {
    owned.add(bridgeName(n.id));
    if (n.segmentation_id) owned.add(vxlanName(n.segmentation_id));
  }
  for (const p of desired.ports) owned.add(tapName(p.id));
  for (const d of desired.dhcp) {
    owned.add(bridgeName(d.network.id));
    if (d.dhcp_port) owned.add(tapName(d.dhcp_port.id));
  }
  for (const r of desired.routers)
    for (const i of [...r.interfaces, ...(r.gateway ? [r.gateway] : [])]) {
      owned.add(bridgeName(i.network.id));
      owned.add(tapName(i.port_id));
    }
  if (ctx.linux.hostVeth) owned.add(hostVethPeerName);
  return owned;
}

/** `strata_*` tables in the host namespace other than the two the port filter owns. */
async function removeForeignTables(ctx: LinuxContext): Promise<string[]> {
  const out = await run('nft', ['-j', 'list', 'tables'], { netns: ctx.hostNs, allowFail: true });
  if (out.code !== 0) return [];
  const tables = (JSON.parse(out.stdout).nftables as { table?: { family: string; name: string } }[]).flatMap((x) =>
    x.table ? [x.table] : [],
  );
  const removed: string[] = [];
  for (const t of tables) {
    if (!t.name.startsWith('strata_') || t.name === PORTS_TABLE || t.name === FILTER_TABLE) continue;
    await run('nft', ['delete', 'table', t.family, t.name], { netns: ctx.hostNs, allowFail: true });
    removed.push(`nft ${t.family} ${t.name}`);
  }
  return removed;
}

async function recorded(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}
