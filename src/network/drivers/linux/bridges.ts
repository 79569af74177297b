import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { run } from '../../../core/host/run.ts';
import type { NetworkSpec } from '../dataplane.ts';
import type { LinuxContext } from './context.ts';
import { ensureHostPatches, removeHostPatches } from './host-patches.ts';
import { deleteLink, enslave, ensureBridge, ensureVeth, linkExists, ROOT_NS, setAddresses, setUp } from './links.ts';
import { bridgeName, hostVethName, hostVethPeerName, vxlanName } from './names.ts';

/**
 * A network's segment on this host: the bridge `brq<network>`. flat, vlan, local and vxlan networks are all a
 * local bridge while one host carries them; a VXLAN device joins the bridge only for a vxlan network with
 * tunnel peers (other hosts' tunnel addresses). One host has none, so `tunnelPeers` is empty today; a
 * multi-host setup passes them and each peer becomes a static FDB entry on the VXLAN device. Hosts on the
 * same machine are joined without VXLAN (host-patches.ts).
 *
 * The external network's bridge may also get, when configured, the uplink (moved into the host namespace:
 * a bridge cannot enslave an interface of another namespace) and a veth to the machine's root namespace.
 */
export async function ensureSegment(ctx: LinuxContext, net: NetworkSpec, tunnelPeers: string[] = []): Promise<void> {
  const bridge = bridgeName(net.id);
  await ensureBridge(ctx.hostNs, bridge, net.mtu);
  if (net.network_type === 'vxlan' && net.segmentation_id !== null && tunnelPeers.length > 0)
    await ensureVxlan(ctx, net, tunnelPeers);
  await ensureHostPatches(ctx, net);
  if (!net.external) return;
  // Recorded for `strata net exec`, which puts client namespaces on the external bridge without asking the API.
  await mkdir(externalDir(ctx), { recursive: true });
  await writeFile(`${externalDir(ctx)}/${net.id}`, `${bridge}\n`);
  const { uplink, hostVeth, hostVethAddress } = ctx.linux;
  if (uplink) {
    if (!(await linkExists(ctx.hostNs, uplink))) await run('ip', ['link', 'set', uplink, 'netns', ctx.hostNs]);
    await enslave(ctx.hostNs, uplink, bridge, net.mtu);
  }
  if (hostVeth) {
    await ensureVeth(ctx.hostNs, hostVethPeerName, ROOT_NS, hostVethName);
    await enslave(ctx.hostNs, hostVethPeerName, bridge, net.mtu);
    await setUp(ROOT_NS, hostVethName, { mtu: net.mtu });
    await setAddresses(ROOT_NS, hostVethName, [hostVethAddress]);
  }
}

async function ensureVxlan(ctx: LinuxContext, net: NetworkSpec, peers: string[]): Promise<void> {
  const dev = vxlanName(net.segmentation_id as number);
  if (!(await linkExists(ctx.hostNs, dev)))
    await run('ip', [
      '-n',
      ctx.hostNs,
      'link',
      'add',
      dev,
      'type',
      'vxlan',
      'id',
      String(net.segmentation_id),
      'dstport',
      '4789',
      'nolearning',
    ]);
  await enslave(ctx.hostNs, dev, bridgeName(net.id), net.mtu);
  for (const peer of peers)
    await run('bridge', ['-n', ctx.hostNs, 'fdb', 'append', '00:00:00:00:00:00', 'dev', dev, 'dst', peer], {
      allowFail: true,
    });
}

export async function removeSegment(
  ctx: LinuxContext,
  net: Pick<NetworkSpec, 'id'> & Partial<NetworkSpec>,
): Promise<void> {
  if (net.external) {
    if (ctx.linux.uplink && (await linkExists(ctx.hostNs, ctx.linux.uplink)))
      await run('ip', ['-n', ctx.hostNs, 'link', 'set', ctx.linux.uplink, 'netns', '1'], { allowFail: true });
    if (ctx.linux.hostVeth) await deleteLink(ctx.hostNs, hostVethPeerName);
  }
  await rm(`${externalDir(ctx)}/${net.id}`, { force: true });
  await removeHostPatches(ctx, net.id);
  if (net.segmentation_id) await deleteLink(ctx.hostNs, vxlanName(net.segmentation_id));
  await deleteLink(ctx.hostNs, bridgeName(net.id));
}

/** Where the bridges of a host's external networks are recorded (one file per network, holding the bridge). */
export const externalDir = (ctx: Pick<LinuxContext, 'stateDir'>): string => `${ctx.stateDir}/external`;

/** The external networks' bridges of a host, from those records. */
export async function externalBridges(stateDir: string): Promise<{ network_id: string; bridge: string }[]> {
  const dir = externalDir({ stateDir });
  const ids = await readdir(dir).catch(() => []);
  return Promise.all(
    ids.map(async (id) => ({ network_id: id, bridge: (await readFile(`${dir}/${id}`, 'utf8')).trim() })),
  );
}
