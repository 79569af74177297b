import { deleteNamespace, ensureNamespace } from '../../../core/host/netns.ts';
import { run } from '../../../core/host/run.ts';
import type { NetworkSpec, RouterInterfaceSpec, RouterSpec } from '../dataplane.ts';
import type { LinuxContext } from './context.ts';
import { deleteLink, enslave, ensureVeth, listLinks, setAddresses, setUp } from './links.ts';
import { bridgeName, routerGatewayName, routerInterfaceName, routerNamespace, tapName } from './names.ts';
import { natRuleset } from './router-nat.ts';

/**
 * A router as namespace `strata-router-<id>` with IPv4 forwarding: `qr-<port>` on each tenant network and
 * `qg-<port>` on the external one (veths whose host ends, `tap<port>`, sit on the networks' bridges), the
 * floating IPs as /32 addresses on qg (so the router answers ARP for them), the default route via the
 * external subnet's gateway, static routes, and the NAT table.
 */
export async function ensureRouter(
  ctx: LinuxContext,
  router: RouterSpec,
  ensureNetwork: (n: NetworkSpec) => Promise<void>,
): Promise<void> {
  const netns = routerNamespace(router.id);
  await ensureNamespace(netns);
  await run('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1'], { netns });

  const wanted = new Map<string, { spec: RouterInterfaceSpec; extra: string[] }>();
  for (const i of router.interfaces) wanted.set(routerInterfaceName(i.port_id), { spec: i, extra: [] });
  if (router.gateway) {
    const fips = [
      ...new Set(
        [...router.floating_ips, ...(router.port_forwardings ?? [])]
          .map((f) => f.floating_ip_address)
          .filter((a) => !a.includes(':')),
      ),
    ];
    wanted.set(routerGatewayName(router.gateway.port_id), {
      spec: router.gateway,
      extra: fips.map((a) => `${a}/32`),
    });
  }
  // Interfaces the router no longer has: deleting the inner end removes the host end too.
  for (const link of await listLinks(netns))
    if (/^q[rg]-/.test(link.ifname) && !wanted.has(link.ifname)) await deleteLink(netns, link.ifname);

  for (const [dev, { spec, extra }] of wanted) {
    await ensureNetwork(spec.network);
    await ensureVeth(ctx.hostNs, tapName(spec.port_id), netns, dev);
    await enslave(ctx.hostNs, tapName(spec.port_id), bridgeName(spec.network.id), spec.network.mtu);
    await setUp(netns, dev, { mac: spec.mac_address, mtu: spec.network.mtu });
    const added = await setAddresses(netns, dev, [
      ...spec.fixed_ips.map((f) => `${f.ip_address}/${f.cidr.split('/')[1]}`),
      ...extra,
    ]);
    // A floating IP that is new here (or moved from another router) is announced, as Neutron's l3 agent does:
    // neighbours that cached it as unreachable, or at another MAC, learn it now rather than minutes later.
    for (const cidr of added.filter((c) => c.endsWith('/32') && dev.startsWith('qg-')))
      await run('busybox', ['arping', '-U', '-c', '1', '-w', '1', '-I', dev, cidr.split('/')[0]], {
        netns,
        allowFail: true,
      });
    if (!router.admin_state_up) await run('ip', ['-n', netns, 'link', 'set', dev, 'down']);
  }

  await setRoutes(netns, router);
  await run('nft', ['-f', '-'], { netns, input: natRuleset(router) });
}

/** The default route via the external gateway and the static routes, as `proto static` routes we own. */
async function setRoutes(netns: string, router: RouterSpec): Promise<void> {
  const want = new Map<string, string[]>();
  const gw = router.gateway;
  const extGateway = gw?.fixed_ips.find((f) => f.ip_version === 4 && f.gateway_ip)?.gateway_ip;
  if (gw && extGateway) want.set('default', ['via', extGateway, 'dev', routerGatewayName(gw.port_id)]);
  for (const r of router.routes) if (!r.destination.includes(':')) want.set(r.destination, ['via', r.nexthop]);
  const out = await run('ip', ['-n', netns, '-j', 'route', 'show', 'proto', 'static']);
  const have = (JSON.parse(out.stdout || '[]') as { dst: string }[]).map((r) => r.dst);
  for (const dst of have) if (!want.has(dst)) await run('ip', ['-n', netns, 'route', 'del', dst], { allowFail: true });
  for (const [dst, via] of want) {
    const done = await run('ip', ['-n', netns, 'route', 'replace', dst, ...via, 'proto', 'static'], {
      allowFail: true,
    });
    // A nexthop not on any of the router's subnets: the route cannot exist yet (Neutron refuses those too).
    // A router set admin down has its links down, so no route via them can exist: that is not an error, and
    // the NAT table after this must still be written (the route comes back when the router is set up again).
    if (done.code !== 0 && dst === 'default' && router.admin_state_up)
      throw new Error(`router ${router.id}: ${done.stderr.trim()}`);
  }
}

export async function removeRouter(ctx: LinuxContext, routerId: string): Promise<void> {
  const netns = routerNamespace(routerId);
  // The host ends go with the namespace's veths; delete them first so none lingers on a bridge meanwhile.
  for (const link of await listLinks(netns))
    if (/^q[rg]-/.test(link.ifname)) await deleteLink(ctx.hostNs, tapName(link.ifname.slice(3)));
  await deleteNamespace(netns);
}
