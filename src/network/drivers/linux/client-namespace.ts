import { deleteNamespace, ensureNamespace } from '../../../core/host/netns.ts';
import { run } from '../../../core/host/run.ts';
import { deleteLink, enslave, ensureVeth, linkExists, setAddresses, setUp } from './links.ts';
import { clientNamespace } from './names.ts';

/**
 * A client namespace `strata-client-<name>` on a bridge of a host namespace (the external network's): what a
 * test or `strata net exec` uses to reach floating IPs without the machine's root namespace getting a route.
 * Its veth is `eth0` inside and `stc-<name>` (cut to 15 characters) on the bridge.
 */
export interface ClientNamespace {
  netns: string;
  device: string;
  hostDevice: string;
}

export const clientHostDevice = (name: string): string => `stc-${name}`.slice(0, 15);

export async function ensureClientNamespace(opts: {
  hostNs: string;
  bridge: string;
  name: string;
  /** CIDR, e.g. 172.24.4.3/24. */
  address: string;
  gateway?: string;
  mtu?: number;
}): Promise<ClientNamespace> {
  const netns = clientNamespace(opts.name);
  const hostDevice = clientHostDevice(opts.name);
  if (!(await linkExists(opts.hostNs, opts.bridge)))
    throw new Error(`no bridge ${opts.bridge} in namespace ${opts.hostNs} (is the external network wired?)`);
  await ensureNamespace(netns);
  await ensureVeth(opts.hostNs, hostDevice, netns, 'eth0');
  await enslave(opts.hostNs, hostDevice, opts.bridge, opts.mtu ?? 1500);
  await setUp(netns, 'eth0', { mtu: opts.mtu ?? 1500 });
  await setAddresses(netns, 'eth0', [opts.address]);
  if (opts.gateway) {
    await run('ip', ['-n', netns, 'route', 'replace', 'default', 'via', opts.gateway]);
  }
  return { netns, device: 'eth0', hostDevice };
}

export async function deleteClientNamespace(hostNs: string, name: string): Promise<void> {
  await deleteLink(hostNs, clientHostDevice(name));
  await deleteNamespace(clientNamespace(name));
}
