import { mkdir, readFile, rm } from 'node:fs/promises';
import { ensureNamespace } from '../../../core/host/netns.ts';
import { run } from '../../../core/host/run.ts';
import type { MetadataProxySpec } from '../dataplane.ts';
import type { LinuxContext } from './context.ts';
import { METADATA_IP } from './dhcp-config.ts';
import { dhcpNamespace, routerNamespace } from './names.ts';
import { cmdlineOf, killAndWait, runningPid, spawnDetached, stopPidFile } from './processes.ts';

/**
 * 169.254.169.254 for one network: an `ns-proxy.ts http` process in the network's DHCP namespace (which has
 * the address on the DHCP port, and DHCP option 121 routes guests there) or in its router's namespace (the
 * address on its loopback), forwarding to the compute metadata server's Unix socket with the guest's
 * address and the network id, which together name one instance.
 */
export const metadataDir = (ctx: LinuxContext): string => `${ctx.stateDir}/metadata`;
const pidFile = (ctx: LinuxContext, networkId: string) => `${metadataDir(ctx)}/${networkId}.pid`;
/** The proxy's command line carries `--network-id=<id>`: how sync and stop recognise it. */
export const proxyMarker = (networkId: string): string => `--network-id=${networkId}`;

export async function ensureMetadataProxy(ctx: LinuxContext, spec: MetadataProxySpec): Promise<void> {
  const netns = spec.router_id ? routerNamespace(spec.router_id) : dhcpNamespace(spec.network_id);
  const file = pidFile(ctx, spec.network_id);
  const pid = await runningPid(file, proxyMarker(spec.network_id));
  if (pid && (await cmdlineOf(pid))?.includes(`--netns=${netns}`)) return;
  if (pid) await killAndWait(pid);
  await rm(file, { force: true });
  await ensureNamespace(netns);
  if (spec.router_id) {
    const lo = await run('ip', ['-n', netns, 'addr', 'show', 'dev', 'lo']);
    if (!lo.stdout.includes(`${METADATA_IP}/32`))
      await run('ip', ['-n', netns, 'addr', 'add', `${METADATA_IP}/32`, 'dev', 'lo']);
  }
  await mkdir(metadataDir(ctx), { recursive: true });
  spawnDetached(
    'ip',
    [
      'netns',
      'exec',
      netns,
      ctx.nodeBinary,
      ctx.proxyScript,
      'http',
      `--listen=${METADATA_IP}:80`,
      `--socket=${ctx.metadataSocket}`,
      proxyMarker(spec.network_id),
      `--pid-file=${file}`,
      // Not read by the proxy: records where it runs, so a move to another namespace restarts it.
      `--netns=${netns}`,
    ],
    `${metadataDir(ctx)}/${spec.network_id}.log`,
  );
  await waitForPidFile(file, proxyMarker(spec.network_id));
}

export async function removeMetadataProxy(ctx: LinuxContext, networkId: string): Promise<void> {
  await stopPidFile(pidFile(ctx, networkId), proxyMarker(networkId));
  await rm(`${metadataDir(ctx)}/${networkId}.log`, { force: true });
}

async function waitForPidFile(file: string, marker: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await runningPid(file, marker)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  const log = await readFile(file.replace(/\.pid$/, '.log'), 'utf8').catch(() => '');
  throw new Error(`metadata proxy did not start: ${log.trim().split('\n').slice(-3).join(' | ')}`);
}
