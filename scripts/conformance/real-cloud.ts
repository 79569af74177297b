import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hostNamespace } from '../../src/core/host/netns.ts';
import { commandExists, isRoot } from '../../src/core/host/run.ts';
import { buildTestImage } from '../guest-image/build.ts';
import { adminSession, call } from './compute-setup.ts';
import { type ServerProcess, startServer } from './server.ts';

/**
 * A Strata started for real instances: `strata start --first-run` as its own process with the qemu compute driver
 * and the linux dataplane named explicitly (so a missing piece fails the start instead of falling back to the
 * fakes), on a host name of its own, so its `strata-host-<host>` namespace and everything hanging off it are this
 * cloud's alone. Shared by test/e2e, `npm run bench -- boot` and the conformance `scenario` set.
 */
export interface RealCloud extends ServerProcess {
  host: string;
  /** `strata-host-<host>`: the cloud's bridges and taps; QEMU runs here. */
  hostNamespace: string;
  /** The `strata start` environment (a restart passes it again). */
  env: NodeJS.ProcessEnv;
}

/** What a machine needs for real instances and networks (the drivers' own checks, plus what tests drive). */
export const REAL_CLOUD_TOOLS = ['qemu-system-x86_64', 'qemu-img', 'ip', 'nft', 'dnsmasq'];

/** Why real instances cannot run here, or undefined when they can. `extra`: more commands the caller needs. */
export async function realCloudSkipReason(extra: string[] = []): Promise<string | undefined> {
  if (!isRoot()) return 'needs root (network namespaces, bridges, taps, nftables)';
  const missing: string[] = [];
  for (const cmd of [...REAL_CLOUD_TOOLS, ...extra]) if (!(await commandExists(cmd))) missing.push(cmd);
  if (missing.length) return `missing on PATH: ${missing.join(', ')} (scripts/setup.sh test installs them)`;
  return undefined;
}

/**
 * The guest image every real cloud of a run uploads, built once into a shared directory (about 6 s, its kernel
 * package cached). A lock directory keeps two test files started together from building it at once.
 */
export async function sharedGuestImage(log: (line: string) => void = () => {}): Promise<string> {
  const dir = process.env.STRATA_E2E_GUEST_DIR ?? join(tmpdir(), 'strata-e2e-guest');
  const qcow2 = join(dir, 'strata-guest.qcow2');
  if (existsSync(qcow2)) return qcow2;
  await mkdir(dir, { recursive: true });
  const lock = join(dir, '.building');
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (existsSync(qcow2)) return qcow2;
      // A lock left by a killed build is stale after five minutes.
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 300_000) await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`guest image build in ${dir} did not finish in 5 minutes`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (!existsSync(qcow2)) await buildTestImage({ outDir: dir, signal: AbortSignal.timeout(300_000), log });
    return qcow2;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** The environment of a real cloud: real drivers named, not 'auto', so a missing piece fails loudly. */
export function realCloudEnv(host: string, guestImage: string): NodeJS.ProcessEnv {
  return {
    STRATA_DRIVERS: 'auto',
    STRATA_COMPUTE__DRIVER: 'qemu',
    STRATA_NETWORK__DATAPLANE: 'linux',
    STRATA_NETWORK__HOST: host,
    STRATA_IMAGE__GUEST_IMAGE: guestImage,
    STRATA_LOG_LEVEL: process.env.STRATA_E2E_LOG_LEVEL ?? 'warn',
  };
}

export interface RealCloudOptions {
  /** Start again on this data directory (a restart); it is then kept on stop. */
  dataDir?: string;
  host?: string;
  password?: string;
  /** The API port (a restart passes the first start's). */
  port?: number;
  /** More settings (STRATA_* variables). */
  env?: NodeJS.ProcessEnv;
}

export async function startRealCloud(opts: RealCloudOptions = {}): Promise<RealCloud> {
  const guest = await sharedGuestImage();
  const host = opts.host ?? `e2e-${randomBytes(3).toString('hex')}`;
  // Short: QEMU's Unix sockets sit in the instance directory, and sun_path holds 107 bytes.
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'se2e-')));
  const env = { ...realCloudEnv(host, guest), ...opts.env };
  const server = await startServer({
    dataDir,
    env,
    args: ['--first-run'],
    bannerTimeoutMs: 120_000,
    keepDataDir: true,
    password: opts.password,
    port: opts.port,
  }).catch(async (err: Error) => {
    if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  });
  return { ...server, host, hostNamespace: hostNamespace(host), env };
}

/** Removes a real cloud's data directory (after its process has stopped and the leftovers were checked). */
export async function removeDataDir(cloud: Pick<RealCloud, 'dataDir'>): Promise<void> {
  await rm(cloud.dataDir, { recursive: true, force: true });
}

/** The ids of every network and router the cloud has now (whose DHCP and router namespaces are its own). */
export async function cloudResourceIds(cloud: RealCloud): Promise<{ networkIds: string[]; routerIds: string[] }> {
  const s = await adminSession(cloud.authUrl, cloud.password);
  const net = `${s.endpoint('network')}/v2.0`;
  const networks = (await call(s, `${net}/networks`)).networks as { id: string }[];
  const routers = (await call(s, `${net}/routers`)).routers as { id: string }[];
  return { networkIds: networks.map((n) => n.id), routerIds: routers.map((r) => r.id) };
}

/**
 * `strata net exec` for this cloud: the command and leading arguments that run a command (appended after them)
 * in client namespace `strata-client-<name>` on the cloud's external bridge, with the API forwarded in unless
 * `api` is false. `delete` gives the call that removes the namespace.
 */
export function netExec(
  cloud: RealCloud,
  o: { name: string; address: string; api?: boolean; delete?: boolean },
): { cmd: string; args: string[]; env: NodeJS.ProcessEnv } {
  const port = new URL(cloud.url).port;
  const args = ['--data-dir', cloud.dataDir, '--port', port, 'net', 'exec', '--agent-host', cloud.host];
  args.push('--name', o.name, '--address', o.address);
  if (o.api === false) args.push('--no-api');
  if (o.delete) args.push('--delete');
  else args.push('--');
  return { cmd: STRATA_BIN, args, env: { ...process.env, ...cloud.env } };
}

const STRATA_BIN = resolve(import.meta.dirname, '../../bin/strata');
