import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { type LeftoverScope, removeLeftovers } from '../../scripts/conformance/host-leftovers.ts';
import {
  netExec,
  type RealCloud,
  realCloudSkipReason,
  removeDataDir,
  startRealCloud,
} from '../../scripts/conformance/real-cloud.ts';
import { run } from '../../src/core/host/run.ts';
import { type CliCloud, cliFor } from '../conformance/openstack-cli.ts';

/**
 * The end-to-end tests' cloud: a real `strata start --first-run` (qemu driver, linux dataplane, the guest image
 * uploaded as `strata-guest`), the real openstack CLI against it as the admin, and `strata net exec`'s client
 * namespace on the external network to reach floating IPs from. Everything it made is tracked so `close` can check and clean.
 */
export interface E2eCloud {
  cloud: RealCloud;
  cli: CliCloud;
  admin: CliCloud['os'];
  publicNetworkId: string;
  /** Ids whose DHCP and router namespaces belong to this cloud (what leftovers are looked for). */
  scope: LeftoverScope;
  /** Runs a command in the client namespace on the external network (made on first use). */
  client(cmd: string, args: string[], opts?: { allowFail?: boolean; timeoutMs?: number }): Promise<ClientResult>;
  /** `ssh -i key root@address cmd` from the client namespace; resolves with its exit code and output. */
  ssh(keyFile: string, address: string, command: string, opts?: { timeoutS?: number }): Promise<ClientResult>;
  /** Removes the client namespace (before leftovers are counted: its veth is on the external bridge). */
  dropClient(): Promise<void>;
  /** Stops the cloud (SIGTERM to its pid), removes what it left and its data directory. */
  close(): Promise<void>;
}

export interface ClientResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The tools the e2e tests drive besides the drivers' own. */
export const E2E_TOOLS = ['openstack', 'ssh', 'ssh-keygen'];

export async function e2eSkipReason(): Promise<string | undefined> {
  return realCloudSkipReason(E2E_TOOLS);
}

/** The 256 MB flavor the tests boot (issue 6 asks for 256 MB guests). */
export const FLAVOR = { name: 'm1.strata', ram: 256, vcpus: 1, disk: 1 };

export async function startE2eCloud(opts: { dataDir?: string; password?: string; host?: string } = {}) {
  const cloud = await startRealCloud(opts);
  return attach(cloud);
}

export async function attach(cloud: RealCloud): Promise<E2eCloud> {
  const cli = await cliFor(cloud.dataDir, cloud.authUrl, cloud.password);
  const admin = cli.os.bind(cli);
  const nets = (await admin(['network', 'list', '--external'])) as { ID: string; Name: string }[];
  const publicNet = nets.find((n) => n.Name === 'public');
  if (!publicNet) throw new Error(`--first-run made no external network 'public':\n${cloud.output()}`);
  const scope: LeftoverScope = {
    dataDir: cloud.dataDir,
    hostNamespace: cloud.hostNamespace,
    networkIds: [publicNet.ID],
    routerIds: [],
  };
  // `strata net exec`'s client namespace strata-client-<host>, outside the floating range (172.24.4.10-250).
  const client = { name: cloud.host, address: '172.24.4.5/24', api: false };
  let used = false;
  const e2e: E2eCloud = {
    cloud,
    cli,
    admin,
    publicNetworkId: publicNet.ID,
    scope,
    async client(cmd, args, o = {}) {
      used = true;
      const ne = netExec(cloud, client);
      return run(ne.cmd, [...ne.args, cmd, ...args], {
        env: ne.env,
        allowFail: o.allowFail ?? true,
        signal: AbortSignal.timeout(o.timeoutMs ?? 60_000),
      });
    },
    async ssh(keyFile, address, command, o = {}) {
      await chmod(keyFile, 0o600);
      return e2e.client(
        'ssh',
        [
          '-i',
          keyFile,
          '-o',
          'StrictHostKeyChecking=no',
          '-o',
          'UserKnownHostsFile=/dev/null',
          '-o',
          'BatchMode=yes',
          '-o',
          `ConnectTimeout=${o.timeoutS ?? 5}`,
          '-o',
          'LogLevel=ERROR',
          `root@${address}`,
          command,
        ],
        { timeoutMs: ((o.timeoutS ?? 5) + 30) * 1000 },
      );
    },
    async dropClient() {
      if (!used) return;
      const ne = netExec(cloud, { ...client, delete: true });
      await run(ne.cmd, ne.args, { env: ne.env, allowFail: true });
      used = false;
    },
    async close() {
      await e2e.dropClient();
      await cloud.stop();
      await removeLeftovers(scope);
      await removeDataDir(cloud);
    },
  };
  return e2e;
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes; the error says what was awaited. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface ServerRow {
  id: string;
  name: string;
  status: string;
  addresses: Record<string, string[]> | string;
  [k: string]: unknown;
}

/** Waits until the server has `status` (120 s: a TCG boot takes 10-20 s, more with several at once); ERROR fails. */
export async function waitStatus(
  os: CliCloud['os'],
  id: string,
  status: string,
  timeoutMs = 120_000,
): Promise<ServerRow> {
  return waitFor(
    `server ${id} ${status}`,
    async () => {
      const s = (await os(['server', 'show', id])) as ServerRow;
      if (s.status === 'ERROR' && status !== 'ERROR')
        throw new Error(`server ${id} went to ERROR: ${JSON.stringify(s.fault ?? s)}`);
      return s.status === status ? s : undefined;
    },
    timeoutMs,
    2000,
  );
}

export async function consoleLog(os: CliCloud['os'], id: string): Promise<string> {
  return String(await os(['console', 'log', 'show', id], { json: false }));
}

/** Waits until the console log has `count` READY markers (a reboot prints another); returns the log. */
export async function waitReady(os: CliCloud['os'], id: string, count = 1, timeoutMs = 120_000): Promise<string> {
  return waitFor(
    `STRATA-GUEST-READY #${count} in the console log of ${id}`,
    async () => {
      const log = await consoleLog(os, id);
      if (/Kernel panic/.test(log)) throw new Error(`guest ${id} panicked:\n${log.slice(-2000)}`);
      return (log.match(/STRATA-GUEST-READY/g) ?? []).length >= count ? log : undefined;
    },
    timeoutMs,
    2000,
  );
}

/** The fixed IPv4 of a server on `network` (`openstack server show -f json` gives {net: [ips]} or "net=ip"). */
export function fixedIp(server: ServerRow, network: string): string {
  const a = server.addresses;
  const ips = typeof a === 'string' ? (a.match(new RegExp(`${network}=([^;]+)`))?.[1] ?? '').split(/,\s*/) : a[network];
  const ip = (ips ?? []).find((x) => /^10\./.test(x));
  if (!ip) throw new Error(`server ${server.name} has no fixed IPv4 on ${network}: ${JSON.stringify(a)}`);
  return ip;
}

/** The last READY marker's fields (`hostname=... ip=...`). */
export function readyLine(log: string): { hostname?: string; ip?: string } {
  const all = [...log.matchAll(/STRATA-GUEST-READY hostname=(\S*) ip=(\S*)/g)];
  const last = all.at(-1);
  return { hostname: last?.[1], ip: last?.[2] };
}

export const keyPath = (e2e: E2eCloud, name: string) => join(e2e.cloud.dataDir, `${name}.pem`);
