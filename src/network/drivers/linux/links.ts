import { run } from '../../../core/host/run.ts';

/**
 * Interface operations in a namespace, each idempotent: the driver re-applies desired state after every
 * restart and change, so "ensure" never fails on what is already there.
 */
/** The machine's root namespace (only for the optional uplink and host veth). */
export const ROOT_NS = '';
const ns = (netns: string): string[] => (netns ? ['-n', netns] : []);

export interface LinkInfo {
  ifname: string;
  master?: string;
  link_type?: string;
  operstate?: string;
  flags?: string[];
  mtu?: number;
  linkinfo?: { info_kind?: string };
}

export async function listLinks(netns: string): Promise<LinkInfo[]> {
  const out = await run('ip', [...ns(netns), '-j', '-d', 'link', 'show'], { allowFail: true });
  if (out.code !== 0 || !out.stdout.trim()) return [];
  return JSON.parse(out.stdout) as LinkInfo[];
}

export async function linkExists(netns: string, name: string): Promise<boolean> {
  const out = await run('ip', [...ns(netns), 'link', 'show', 'dev', name], { allowFail: true });
  return out.code === 0;
}

export async function ensureBridge(netns: string, name: string, mtu: number): Promise<void> {
  if (!(await linkExists(netns, name))) {
    // No STP and no forwarding delay: a tap must pass traffic the moment the guest's NIC comes up.
    await run('ip', [...ns(netns), 'link', 'add', name, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
  }
  await run('ip', [...ns(netns), 'link', 'set', name, 'mtu', String(mtu), 'up']);
}

/**
 * A veth with one end (`outer`) in `netns` and the other (`inner`) in `innerNetns`. Names may be equal
 * when the namespaces differ. An existing pair is kept; a half-pair (the peer's namespace was deleted) is
 * replaced.
 */
export async function ensureVeth(netns: string, outer: string, innerNetns: string, inner: string): Promise<void> {
  const [haveOuter, haveInner] = [await linkExists(netns, outer), await linkExists(innerNetns, inner)];
  if (haveOuter && haveInner) return;
  if (haveOuter) await deleteLink(netns, outer);
  if (haveInner) await deleteLink(innerNetns, inner);
  // Created under a temporary name, then moved: `peer name X netns Y` fails when X exists in `netns` itself.
  const temp = `sv${Math.random().toString(36).slice(2, 12)}`;
  await run('ip', [...ns(netns), 'link', 'add', outer, 'type', 'veth', 'peer', 'name', temp]);
  await run('ip', [...ns(netns), 'link', 'set', temp, 'netns', innerNetns || '1']);
  await run('ip', [...ns(innerNetns), 'link', 'set', temp, 'name', inner]);
}

export async function enslave(netns: string, dev: string, bridge: string, mtu: number): Promise<void> {
  await run('ip', [...ns(netns), 'link', 'set', dev, 'mtu', String(mtu), 'master', bridge, 'up']);
}

export async function setUp(netns: string, dev: string, opts: { mtu?: number; mac?: string } = {}): Promise<void> {
  if (opts.mac) await run('ip', [...ns(netns), 'link', 'set', dev, 'address', opts.mac]);
  const mtu = opts.mtu ? ['mtu', String(opts.mtu)] : [];
  await run('ip', [...ns(netns), 'link', 'set', dev, ...mtu, 'up']);
}

export async function deleteLink(netns: string, name: string): Promise<void> {
  await run('ip', [...ns(netns), 'link', 'delete', name], { allowFail: true });
}

/** Makes the device's addresses exactly `cidrs` (adds missing ones, removes the rest except link-local); returns those added. */
export async function setAddresses(netns: string, dev: string, cidrs: string[]): Promise<string[]> {
  const out = await run('ip', [...ns(netns), '-j', 'addr', 'show', 'dev', dev]);
  const have = (
    JSON.parse(out.stdout || '[]') as { addr_info?: { local: string; prefixlen: number; scope: string }[] }[]
  ).flatMap((l) => (l.addr_info ?? []).filter((a) => a.scope !== 'link').map((a) => `${a.local}/${a.prefixlen}`));
  const added = cidrs.filter((c) => !have.includes(c));
  for (const c of added) await run('ip', [...ns(netns), 'addr', 'add', c, 'dev', dev]);
  for (const c of have) if (!cidrs.includes(c)) await run('ip', [...ns(netns), 'addr', 'del', c, 'dev', dev]);
  return added;
}
