import { chmod, lstat, mkdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { metadataSocketPath } from '../../core/config.ts';
import type { ComputeDeps } from '../deps.ts';
import { serviceTree } from './content.ts';
import type { MetadataInput } from './input.ts';
import { metadataInputOf, saveGuestPassword } from './instance-input.ts';
import { createSourceLookup, type SourceLookup } from './source-lookup.ts';
import { fileBody, isDir, listing, lookup } from './tree.ts';
import { hasFeature, OPENSTACK_VERSIONS, type OpenStackVersion } from './versions.ts';

/** Headers the dataplane's proxy sets (replacing whatever the guest sent): who is asking, from which network. */
const SOURCE_IP_HEADER = 'x-forwarded-for';
const NETWORK_HEADER = 'x-strata-network-id';
/** Nova refuses a posted password longer than this. */
const MAX_PASSWORD_BYTES = 256;

type Deps = Pick<ComputeDeps, 'db' | 'config' | 'log' | 'network'>;

export interface MetadataServer {
  readonly socketPath: string;
  /** Cached answers about who is behind an address (tests clear them). */
  readonly sources: SourceLookup;
  close(): Promise<void>;
}

class HttpAnswer extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * The compute metadata service (what a guest reads at http://169.254.169.254/) on a Unix socket: the dataplane
 * proxies each tenant network's requests to it, naming the network and the guest's address. The instance is
 * the one whose port holds that address on that network; the answer is that instance's tree and nothing else.
 */
export async function startMetadataServer(deps: Deps): Promise<MetadataServer> {
  const socketPath = metadataSocketPath(deps.config);
  const log = deps.log.child({ component: 'metadata' });
  const sources = createSourceLookup(deps);

  const server = createServer((req, res) => {
    handle(deps, sources, req, res).catch((err: unknown) => {
      if (err instanceof HttpAnswer) return send(res, req, err.status, err.message);
      log.error({ err, url: req.url }, 'metadata request failed');
      send(res, req, 500, 'Internal server error');
    });
  });
  await removeStaleSocket(socketPath);
  await listen(server, socketPath);
  // Only the proxies (root, like this process) may ask: the socket answers whoever names an address.
  await chmod(socketPath, 0o600);
  log.info({ socket: socketPath }, 'metadata service listening');
  return {
    socketPath,
    sources,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(socketPath, { force: true });
    },
  };
}

async function handle(deps: Deps, sources: SourceLookup, req: IncomingMessage, res: ServerResponse) {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') throw new HttpAnswer(405, 'Method not allowed');
  const ip = single(req.headers[SOURCE_IP_HEADER]);
  const networkId = single(req.headers[NETWORK_HEADER]);
  if (!ip || !networkId) throw new HttpAnswer(400, 'Missing the source address or network of the request');
  const path = decodePath(req.url ?? '/');

  const asking = await askingInstance(deps, sources, networkId, ip);
  if (!asking) throw new HttpAnswer(404, 'Not found');
  const { uuid, input } = asking;

  if (method === 'POST') {
    const version = /^\/openstack\/([^/]+)\/password\/?$/.exec(path)?.[1];
    if (!version || !isPasswordVersion(version)) throw new HttpAnswer(405, 'Method not allowed');
    const body = await readBody(req, MAX_PASSWORD_BYTES);
    if (!(await saveGuestPassword(deps, uuid, body))) throw new HttpAnswer(409, 'Password already set');
    return send(res, req, 200, '');
  }

  if (path.includes('network_data.json')) {
    const subnetIds = [...new Set(input.spec.vifs.flatMap((v) => v.fixed_ips.map((f) => f.subnet_id)))];
    input.subnets = await sources.subnetsOf(uuid, subnetIds);
  }
  const node = lookup(serviceTree(input), path);
  if (node === undefined) throw new HttpAnswer(404, 'Not found');
  if (isDir(node)) return send(res, req, 200, listing(node));
  send(res, req, 200, fileBody(node), path.endsWith('.json') ? 'application/json' : undefined);
}

/** The instance whose port holds `ip` on the network, and what its metadata is built from. */
async function askingInstance(deps: Deps, sources: SourceLookup, networkId: string, ip: string) {
  let uuid = await sources.instanceAt(networkId, ip);
  let input = uuid ? await metadataInputOf(deps, uuid) : undefined;
  if (input && !holdsAddress(input, networkId, ip)) {
    // The instance no longer lists the address (an interface detached, and the address perhaps given to another
    // instance within the cache's seconds): Networking is asked again rather than the old owner's data shown.
    // A fresh answer is trusted even so, since an instance's own list lags a hot-plug by a moment.
    uuid = await sources.instanceAt(networkId, ip, { fresh: true });
    input = uuid ? await metadataInputOf(deps, uuid) : undefined;
  }
  return uuid && input ? { uuid, input } : undefined;
}

const holdsAddress = (input: MetadataInput, networkId: string, ip: string) =>
  input.spec.vifs.some((v) => v.network.id === networkId && v.fixed_ips.some((f) => f.ip_address === ip));

const isPasswordVersion = (v: string) =>
  v === 'latest' ||
  ((OPENSTACK_VERSIONS as readonly string[]).includes(v) &&
    hasFeature(OPENSTACK_VERSIONS, v as OpenStackVersion, '2013-04-04'));

/** A header the proxy sets once; a repeated one is refused rather than guessed at. */
function single(value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' || trimmed.includes(',') ? undefined : trimmed;
}

function decodePath(url: string): string {
  const path = url.split('?')[0] ?? '/';
  try {
    return decodeURIComponent(path);
  } catch {
    throw new HttpAnswer(400, 'Bad path');
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpAnswer(400, 'Request is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  res: ServerResponse,
  req: IncomingMessage,
  status: number,
  body: string | Uint8Array,
  contentType = 'text/plain; charset=UTF-8',
) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'content-type': contentType, 'content-length': bytes.length });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

/**
 * A socket file left by a process that died is removed; one that a live server answers on is not taken over
 * (two clouds on one data directory would otherwise answer each other's guests).
 */
async function removeStaleSocket(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const stat = await lstat(path).catch(() => undefined);
  if (!stat) return;
  if (!stat.isSocket()) throw new Error(`metadata socket path ${path} exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new Error(`another metadata server is listening on ${path}`);
  await rm(path, { force: true });
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
