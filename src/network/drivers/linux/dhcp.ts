import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { deleteNamespace, ensureNamespace } from '../../../core/host/netns.ts';
import { run } from '../../../core/host/run.ts';
import type { DhcpSpec } from '../dataplane.ts';
import type { LinuxContext } from './context.ts';
import { type DnsmasqFiles, dnsmasqArgs, dnsmasqFiles, hostsFile, METADATA_IP, optsFile } from './dhcp-config.ts';
import { deleteLink, enslave, ensureVeth, setAddresses, setUp } from './links.ts';
import { bridgeName, dhcpDeviceName, dhcpNamespace, tapName } from './names.ts';
import { runningPid, stopPidFile } from './processes.ts';

/**
 * DHCP for one network: namespace `strata-dhcp-<network_id>`, the DHCP port as a veth (`ns-<port>` inside,
 * `tap<port>` on the network's bridge) carrying the port's fixed IPs and 169.254.169.254 (the metadata proxy
 * listens there), and one dnsmasq inside. A change of hosts or options is a SIGHUP; a change of the command
 * line (subnets, the port) is a restart.
 */
export const dhcpDir = (ctx: LinuxContext, networkId: string): string => `${ctx.stateDir}/dhcp/${networkId}`;

/** What identifies our dnsmasq of a network in /proc/<pid>/cmdline. */
const marker = (ctx: LinuxContext, networkId: string) => `${dhcpDir(ctx, networkId)}/`;

export async function ensureDhcp(ctx: LinuxContext, spec: DhcpSpec): Promise<void> {
  const port = spec.dhcp_port;
  if (!port) throw new Error(`network ${spec.network.id} has no DHCP port (the server allocates one)`);
  const netns = dhcpNamespace(spec.network.id);
  const dev = dhcpDeviceName(port.id);
  await ensureNamespace(netns);
  await ensureVeth(ctx.hostNs, tapName(port.id), netns, dev);
  await enslave(ctx.hostNs, tapName(port.id), bridgeName(spec.network.id), spec.network.mtu);
  await setUp(netns, dev, { mac: port.mac_address, mtu: spec.network.mtu });
  await setAddresses(netns, dev, [
    ...port.fixed_ips.map((f) => `${f.ip_address}/${f.cidr.split('/')[1]}`),
    `${METADATA_IP}/32`,
  ]);

  const files = dnsmasqFiles(dhcpDir(ctx, spec.network.id));
  await mkdir(files.dir, { recursive: true });
  const args = dnsmasqArgs(spec, files);
  const changedHosts = await writeIfChanged(files.hostsFile, hostsFile(spec));
  const changedOpts = await writeIfChanged(files.optsFile, optsFile(spec));
  const changedArgs = await writeIfChanged(`${files.dir}/args`, `${JSON.stringify(args)}\n`);
  const pid = await runningPid(files.pidFile, marker(ctx, spec.network.id));
  if (pid && !changedArgs) {
    if (changedHosts || changedOpts) process.kill(pid, 'SIGHUP');
    return;
  }
  if (pid) await stopPidFile(files.pidFile, marker(ctx, spec.network.id));
  await startDnsmasq(netns, args, files);
}

async function startDnsmasq(netns: string, args: string[], files: DnsmasqFiles): Promise<void> {
  // dnsmasq daemonizes once it has bound its sockets, so a bad configuration fails here, with its message.
  await run('dnsmasq', args, { netns });
  for (let i = 0; i < 40 && !(await readFile(files.pidFile, 'utf8').catch(() => '')); i++)
    await new Promise((r) => setTimeout(r, 25));
}

export async function removeDhcp(ctx: LinuxContext, networkId: string, portId?: string): Promise<void> {
  const dir = dhcpDir(ctx, networkId);
  await stopPidFile(dnsmasqFiles(dir).pidFile, marker(ctx, networkId));
  const port = portId ?? (await recordedPort(dir));
  if (port) await deleteLink(ctx.hostNs, tapName(port));
  await deleteNamespace(dhcpNamespace(networkId));
  await rm(dir, { recursive: true, force: true });
}

/** The DHCP port id a network's dnsmasq was started for (from its recorded command line). */
export async function recordedPort(dir: string): Promise<string | undefined> {
  const args = await readFile(`${dir}/args`, 'utf8').catch(() => '');
  const m = /--interface=ns-([0-9a-f-]{1,11})/.exec(args);
  return m?.[1];
}

export const dnsmasqMarker = marker;

async function writeIfChanged(path: string, text: string): Promise<boolean> {
  const old = await readFile(path, 'utf8').catch(() => undefined);
  if (old === text) return false;
  await writeFile(path, text);
  return true;
}
