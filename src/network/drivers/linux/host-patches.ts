import { createHash } from 'node:crypto';
import { listNamespaces } from '../../../core/host/netns.ts';
import type { NetworkSpec } from '../dataplane.ts';
import type { LinuxContext } from './context.ts';
import { deleteLink, enslave, ensureVeth, linkExists, listLinks } from './links.ts';
import { bridgeName } from './names.ts';

/**
 * Several hosts on one machine (each compute host of the all-in-one has its own `strata-host-<host>`): a
 * network's bridges in those namespaces are joined by veths `pt-<hash>` so a guest on any host reaches the
 * network's DHCP and router on the network host, and a guest keeps its network when it migrates. What VXLAN
 * does between machines, without an underlay to configure.
 *
 * The veths form a star around one hub, the first host namespace by name that has the bridge: a mesh would be
 * a loop on bridges without STP. Whichever host wires the network removes the patches between two non-hubs
 * (from an earlier hub) before it adds its own, so the star holds whatever order hosts come up in.
 */
export const patchName = (networkId: string, peerNs: string): string =>
  `pt-${createHash('sha1').update(`${networkId} ${peerNs}`).digest('hex').slice(0, 12)}`;

export function ensureHostPatches(ctx: LinuxContext, net: NetworkSpec): Promise<void> {
  return serialized(async () => {
    const others = await othersWithBridge(ctx.hostNs, net.id);
    if (others.length > 0) await joinStar([ctx.hostNs, ...others], net.id, net.mtu, ctx.hostNs);
  });
}

/**
 * The all-in-one runs one driver per host in one process, and two of them wiring the same network at once
 * would both make the same veth: patch changes run one at a time.
 */
let patching: Promise<unknown> = Promise.resolve();
function serialized(fn: () => Promise<void>): Promise<void> {
  const next = patching.then(fn, fn);
  patching = next.catch(() => {});
  return next;
}

/**
 * The patches of a bridge about to go (deleting one end of a veth removes the other host's end too). When
 * this host was the hub, the remaining hosts are joined again around the next one.
 */
export function removeHostPatches(ctx: LinuxContext, networkId: string): Promise<void> {
  return serialized(() => unpatch(ctx, networkId));
}

async function unpatch(ctx: LinuxContext, networkId: string): Promise<void> {
  const bridge = bridgeName(networkId);
  for (const link of await listLinks(ctx.hostNs))
    if (link.ifname.startsWith('pt-') && link.master === bridge) await deleteLink(ctx.hostNs, link.ifname);
  const others = await othersWithBridge(ctx.hostNs, networkId);
  if (others.length < 2) return;
  const mtu = (await listLinks(others[0])).find((l) => l.ifname === bridge)?.mtu ?? 1500;
  await joinStar(others, networkId, mtu);
}

async function othersWithBridge(self: string, networkId: string): Promise<string[]> {
  const others: string[] = [];
  for (const ns of await listNamespaces())
    if (ns.startsWith('strata-host-') && ns !== self && (await linkExists(ns, bridgeName(networkId)))) others.push(ns);
  return others;
}

/** Makes `members` a star around the first by name; `only` limits the added patches to one member's. */
async function joinStar(members: string[], networkId: string, mtu: number, only?: string): Promise<void> {
  const bridge = bridgeName(networkId);
  const [hub, ...spokes] = [...members].sort();
  for (const a of spokes)
    for (const b of spokes)
      if (a !== b && (await linkExists(a, patchName(networkId, b)))) await deleteLink(a, patchName(networkId, b));
  for (const spoke of spokes) {
    if (only && spoke !== only && hub !== only) continue;
    await ensureVeth(hub, patchName(networkId, spoke), spoke, patchName(networkId, hub));
    await enslave(hub, patchName(networkId, spoke), bridge, mtu);
    await enslave(spoke, patchName(networkId, hub), bridge, mtu);
  }
}

/** removeHostPatches for a bridge known only by name (an orphan): its network id prefix is all there is. */
export async function removeHostPatchesOf(ctx: LinuxContext, bridge: string): Promise<void> {
  for (const link of await listLinks(ctx.hostNs))
    if (link.ifname.startsWith('pt-') && link.master === bridge) await deleteLink(ctx.hostNs, link.ifname);
}
