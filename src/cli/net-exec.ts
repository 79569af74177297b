import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, publicUrlOf } from '../core/config.ts';
import { hostNamespace } from '../core/host/netns.ts';
import { isRoot } from '../core/host/run.ts';
import { externalBridges } from '../network/drivers/linux/bridges.ts';
import { deleteClientNamespace, ensureClientNamespace } from '../network/drivers/linux/client-namespace.ts';
import { linuxStateDir } from '../network/drivers/linux/context.ts';
import { runningPid, spawnDetached, stopPidFile } from '../network/drivers/linux/processes.ts';

export interface NetExecOptions {
  agentHost?: string;
  name: string;
  address: string;
  gateway?: string;
  bridge?: string;
  /** Forward the cloud API into the namespace at its own URL (default on). */
  api: boolean;
  delete?: boolean;
}

/**
 * `strata net exec -- <cmd...>`: runs a command in a client namespace `strata-client-<name>` that sits on the
 * external network's bridge of a host, as a machine on the public network would (it reaches floating IPs;
 * the machine's root namespace does not). The cloud's API is forwarded into the namespace at the same
 * loopback URL (127.0.0.1:<port> there → a Unix socket this process serves → the real listener), so
 * `openstack` and Tempest run inside it work unchanged. The namespace stays for the next call;
 * `--delete` removes it. Returns the command's exit code.
 */
export async function netExecCommand(config: Config, o: NetExecOptions, argv: string[]): Promise<number> {
  if (!isRoot()) throw new Error('net exec needs root (it creates a network namespace)');
  const host = o.agentHost || config.network.host || hostname();
  const hostNs = hostNamespace(host);
  if (o.delete) {
    await deleteClientNamespace(hostNs, o.name);
    return 0;
  }
  if (argv.length === 0) throw new Error('nothing to run: strata net exec [options] -- <command...>');
  const bridge = o.bridge ?? (await externalBridge(config, host));
  const client = await ensureClientNamespace({ hostNs, bridge, name: o.name, address: o.address, gateway: o.gateway });

  const forward = o.api ? await forwardApi(config, client.netns) : undefined;
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', client.netns, ...argv], { stdio: 'inherit' });
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
    });
  } finally {
    await forward?.close();
  }
}

async function externalBridge(config: Config, host: string): Promise<string> {
  const found = await externalBridges(linuxStateDir(config.dataDir, host));
  if (found.length === 1) return found[0].bridge;
  if (found.length === 0)
    throw new Error(
      `host ${host} has no external network wired by the linux dataplane (is strata running?); pass --bridge`,
    );
  throw new Error(
    `host ${host} has several external networks (${found.map((f) => `${f.network_id}: ${f.bridge}`).join(', ')}); pass --bridge`,
  );
}

/** The API's loopback listener, reachable inside `netns` at the same address and port. */
async function forwardApi(config: Config, netns: string): Promise<{ close(): Promise<void> }> {
  const url = new URL(publicUrlOf(config));
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const named = url.hostname.replace(/^\[|\]$/g, '');
  const apiHost = named === 'localhost' ? '127.0.0.1' : named;
  // The namespace has only its loopback and the external network: an API URL elsewhere cannot be mirrored.
  if (!/^127\.|^::1$/.test(apiHost)) {
    process.stderr.write(`strata net exec: the API URL ${url.origin} is not on loopback; not forwarded\n`);
    return { close: async () => {} };
  }
  const listenHost = ['0.0.0.0', '::', ''].includes(config.listen.host) ? '127.0.0.1' : config.listen.host;
  const dir = await mkdtemp(join(tmpdir(), 'strata-net-exec-'));
  const socket = join(dir, 'api.sock');
  const server: Server = createServer((c) => {
    const upstream = connect(config.listen.port, listenHost);
    c.pipe(upstream).pipe(c);
    c.on('error', () => upstream.destroy());
    upstream.on('error', () => c.destroy());
  });
  await new Promise<void>((r) => server.listen(socket, r));
  const pidFile = join(dir, 'proxy.pid');
  const script = fileURLToPath(new URL('../network/drivers/linux/ns-proxy.ts', import.meta.url));
  spawnDetached(
    'ip',
    [
      'netns',
      'exec',
      netns,
      process.execPath,
      script,
      'tcp',
      `--listen=${apiHost}:${port}`,
      `--socket=${socket}`,
      `--pid-file=${pidFile}`,
    ],
    join(dir, 'proxy.log'),
  );
  for (let i = 0; i < 200 && !(await runningPid(pidFile, socket)); i++) await new Promise((r) => setTimeout(r, 25));
  return {
    async close() {
      await stopPidFile(pidFile, socket);
      await new Promise<void>((r) => server.close(() => r()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
