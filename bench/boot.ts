/**
 * `npm run bench -- boot [--json] [--servers 1,10] [--metadata both|configdrive|service]`: issue 6 item 4. Starts a
 * real cloud (`strata start --first-run`, qemu driver, linux dataplane; root with QEMU, dnsmasq and nftables) and
 * times, for 1 and for 10 servers at once, the API's 202 for `server create` to the guest's STRATA-GUEST-READY line
 * in its console log, next to the same image booted by bare `qemu-system-x86_64` commands in the same run (see
 * boot-bare.ts for what is the same and what differs). Strata boots both with a config drive (the bare boot's
 * metadata source, so the comparable figure) and with the metadata service (DHCP route to 169.254.169.254).
 * Memory beyond QEMU: the Strata process's RSS growth per booted instance, and helper processes per instance.
 * Figures only: a missed target is printed, never an error.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { removeLeftovers } from '../scripts/conformance/host-leftovers.ts';
import {
  cloudResourceIds,
  type RealCloud,
  realCloudSkipReason,
  removeDataDir,
  startRealCloud,
} from '../scripts/conformance/real-cloud.ts';
import { ADMIN_SCOPE } from '../scripts/identity-client.ts';
import { chooseAccel } from '../src/compute/drivers/qemu/accel.ts';
import { run as runCmd } from '../src/core/host/run.ts';
import { readIfThere, startBareGuest, waitForReadyFile } from './boot-bare.ts';
import { type BootSet, renderBootReport } from './boot-report.ts';
import { type BootTiming, bootStrata, deleteAll, helperProcesses, qemuRssMiB } from './boot-strata.ts';
import { apiClient } from './compute-client.ts';
import { issueToken, passwordAuthBody } from './identity-seed.ts';
import { machineFacts } from './machine.ts';
import { rssMiB } from './proc-stats.ts';
import { trackDir } from './teardown.ts';

const FLAVOR = { name: 'm1.bench-boot', ram: 256, vcpus: 1, disk: 1 };

export async function run(args: string[], { signal }: { signal: AbortSignal }): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      servers: { type: 'string', default: '1,10' },
      metadata: { type: 'string', default: 'both' },
    },
  });
  const counts = values.servers!.split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 10))
    throw new Error(`--servers takes counts from 1 to 10 (the default quota), not ${values.servers}`);
  const modes = values.metadata === 'both' ? ['configdrive', 'service'] : [values.metadata!];
  if (!modes.every((m) => m === 'configdrive' || m === 'service'))
    throw new Error(`--metadata is both, configdrive or service, not ${values.metadata}`);
  const say = (msg: string) => console.error(`bench: ${msg}`);
  const skip = await realCloudSkipReason(['genisoimage']);
  if (skip) {
    console.log(`boot bench skipped: ${skip}`);
    return;
  }
  const [loadAverage] = loadavg();
  const accel = chooseAccel('auto');
  const work = await mkdtemp(join(tmpdir(), 'strata-bench-boot-'));
  const untrack = trackDir(work);
  let cloud: RealCloud | undefined;
  try {
    say('starting strata (qemu driver, linux dataplane)');
    // Nova's initial_cpu_allocation_ratio (16): Strata's default of 4 leaves 8 vCPUs on 2 cores, too few for 10.
    cloud = await startRealCloud({ env: { STRATA_COMPUTE__CPU_ALLOCATION_RATIO: '16' } });
    const guestImage = String(cloud.env.STRATA_IMAGE__GUEST_IMAGE);
    const token = await issueToken(cloud.url, passwordAuthBody('admin', cloud.password, ADMIN_SCOPE));
    const compute = apiClient(cloud.url, '/compute/v2.1', token, 16, signal);
    const network = apiClient(cloud.url, '/networking', token, 2, signal);
    const image = apiClient(cloud.url, '/image', token, 2, signal);
    const spec = await prepare(compute, network, image);
    const sets: BootSet[] = [];
    let memory: MemoryFigures | undefined;
    for (const n of counts) {
      say(`bare qemu: ${n} at once`);
      sets.push({
        kind: 'bare',
        n,
        timings: await bootBare(n, { guestImage, work, accel: accel.accel, spec, signal }),
      });
      for (const mode of modes) {
        say(`strata (${mode === 'configdrive' ? 'config drive' : 'metadata service'}): ${n} at once`);
        const before = await snapshot(cloud, spec.networkId);
        const { ids, timings } = await bootStrata(
          compute,
          cloud.dataDir,
          cloud.host,
          n,
          { ...spec, configDrive: mode === 'configdrive' },
          `boot-${mode}-${n}`,
          signal,
        );
        sets.push({ kind: mode === 'configdrive' ? 'strata-configdrive' : 'strata-service', n, timings });
        if (n === Math.max(...counts) && (!memory || mode === 'configdrive'))
          memory = memoryFigures(before, await snapshot(cloud, spec.networkId), ids, n);
        await deleteAll(compute, ids);
      }
    }
    for (const c of [compute, network, image]) c.close();
    const image0 = await stat(guestImage);
    const report = {
      machine: machineFacts(loadAverage),
      loadAverageAfter: loadavg()[0],
      accel: accel.accel,
      accelReason: accel.reason,
      flavor: FLAVOR,
      imageBytes: image0.size,
      sets,
      memory,
    };
    console.log(values.json ? JSON.stringify(report, null, 2) : renderBootReport(report));
  } finally {
    // A stopped strata leaves its guests running (they survive restarts): a broken run's go with its namespaces.
    const ids = cloud && (await cloudResourceIds(cloud).catch(() => ({ networkIds: [], routerIds: [] })));
    await cloud?.stop();
    if (cloud && ids) {
      await removeLeftovers({ dataDir: cloud.dataDir, hostNamespace: cloud.hostNamespace, ...ids });
      await removeDataDir(cloud);
    }
    await rm(work, { recursive: true, force: true });
    untrack();
  }
}

interface Spec {
  imageRef: string;
  flavorRef: string;
  networkId: string;
  keyName: string;
  publicKey: string;
}

async function prepare(
  compute: ReturnType<typeof apiClient>,
  network: ReturnType<typeof apiClient>,
  image: ReturnType<typeof apiClient>,
): Promise<Spec> {
  const { flavor } = await compute.must('POST', '/flavors', 200, {
    flavor: { name: FLAVOR.name, ram: FLAVOR.ram, vcpus: FLAVOR.vcpus, disk: FLAVOR.disk },
  });
  const net = await network.must('POST', '/v2.0/networks', 201, { network: { name: 'bench-boot' } });
  await network.must('POST', '/v2.0/subnets', 201, {
    subnet: { network_id: net.network.id, ip_version: 4, cidr: '10.90.0.0/24', name: 'bench-boot-subnet' },
  });
  const { keypair } = await compute.must('POST', '/os-keypairs', 200, { keypair: { name: 'bench-boot' } });
  const images = (await image.must('GET', '/v2/images?name=strata-guest', 200)).images as { id: string }[];
  if (!images[0]) throw new Error('the cloud has no strata-guest image (strata start --first-run uploads it)');
  return {
    imageRef: images[0].id,
    flavorRef: flavor.id,
    networkId: net.network.id,
    keyName: keypair.name,
    publicKey: keypair.public_key,
  };
}

async function bootBare(
  n: number,
  o: { guestImage: string; work: string; accel: 'kvm' | 'tcg'; spec: Spec; signal: AbortSignal },
): Promise<BootTiming[]> {
  const dir = await mkdtemp(join(o.work, `bare-${n}-`));
  const batch = performance.now();
  const guests = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      startBareGuest(`bare${i}`, {
        image: o.guestImage,
        workDir: dir,
        accel: o.accel,
        memoryMb: FLAVOR.ram,
        vcpus: FLAVOR.vcpus,
        publicKey: o.spec.publicKey,
        signal: o.signal,
      }),
    ),
  );
  try {
    return await Promise.all(
      guests.map(async (g) => {
        const ready = await waitForReadyFile(readIfThere(g.consoleLog), 240_000, o.signal, () => isAlive(g.pid));
        return { acceptMs: 0, readyMs: ready.at - g.startedAt, offsetMs: g.startedAt - batch, line: ready.line };
      }),
    );
  } finally {
    await Promise.all(guests.map((g) => g.stop()));
  }
}

interface Snapshot {
  strataMiB: number;
  helpers: { pid: number; cmd: string; rssMiB: number }[];
}

/** Strata's RSS and its helper processes: in its host namespace, the bench network's DHCP namespace, or its own. */
async function snapshot(cloud: RealCloud, networkId: string): Promise<Snapshot> {
  const pids = new Set<number>();
  for (const ns of [cloud.hostNamespace, `strata-dhcp-${networkId}`]) {
    const out = await runCmd('ip', ['netns', 'pids', ns], { allowFail: true });
    for (const p of out.stdout.split(/\s+/).filter(Boolean)) pids.add(Number(p));
  }
  return { strataMiB: rssMiB(cloud.pid) ?? 0, helpers: helperProcesses(cloud.dataDir, cloud.pid, pids) };
}

export interface MemoryFigures {
  n: number;
  strataBeforeMiB: number;
  strataAfterMiB: number;
  strataPerInstanceMiB: number;
  helpersBefore: number;
  helpersAfter: number;
  helperPerInstanceMiB: number;
  helperCommands: string[];
  qemuRssMiB: number[];
}

function memoryFigures(before: Snapshot, after: Snapshot, ids: string[], n: number): MemoryFigures {
  const sum = (s: Snapshot) => s.helpers.reduce((a, h) => a + h.rssMiB, 0);
  const beforePids = new Set(before.helpers.map((h) => h.pid));
  return {
    n,
    strataBeforeMiB: before.strataMiB,
    strataAfterMiB: after.strataMiB,
    strataPerInstanceMiB: (after.strataMiB - before.strataMiB) / n,
    helpersBefore: before.helpers.length,
    helpersAfter: after.helpers.length,
    helperPerInstanceMiB: (sum(after) - sum(before)) / n,
    helperCommands: after.helpers.filter((h) => !beforePids.has(h.pid)).map((h) => h.cmd.slice(0, 120)),
    qemuRssMiB: qemuRssMiB(ids),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
