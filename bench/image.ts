/**
 * `npm run bench -- image [--json] [--size-mib <n>]`: Image's bulk-data figures from the performance issue.
 * Starts `strata start` as its own process on a temporary data directory, writes a file of random data
 * (1 GiB by default), then in three interleaved rounds uploads it to a new image (PUT /file) and downloads
 * it (GET /file), beside the same transfers against a plain node:http server (the loopback + disk reference),
 * sampling the servers' CPU and RSS. Prints medians, ratios to the reference and Glance's figures; missing a
 * target is not an error.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { ADMIN_SCOPE } from '../scripts/identity-client.ts';
import { loadConfig } from '../src/core/config.ts';
import { issueToken, passwordAuthBody } from './identity-seed.ts';
import { createImage, showImage } from './image-api.ts';
import { writeRandomFile } from './image-file.ts';
import { measureHashes } from './image-hash-cost.ts';
import { type MeasuredTransfer, measureTransfer } from './image-measure.ts';
import { startReferenceServer } from './image-reference.ts';
import { type ImageBenchResult, judge, renderReport, type Series } from './image-report.ts';
import { CLIENT_KINDS, type ClientKind, type Digests, download, type Transfer, upload } from './image-transfer.ts';
import { machineFacts } from './machine.ts';
import { peakRssMiB, rssMiB } from './proc-stats.ts';
import { freePort, type ServerProcess, startServer } from './server-process.ts';
import { trackDir } from './teardown.ts';

const ROUNDS = 3;
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * Writes the page cache back before each transfer that writes a file: past a few GiB of dirty pages the
 * kernel throttles writers to the disk's speed, which would charge one transfer for the one before it.
 */
const flushDirtyPages = () => promisify(execFile)('sync');

export async function run(args: string[], { signal }: { signal: AbortSignal }): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, 'size-mib': { type: 'string', default: '1024' } },
  });
  const sizeMiB = Number(values['size-mib']);
  if (!Number.isInteger(sizeMiB) || sizeMiB < 1) throw new Error(`--size-mib must be a whole number >= 1`);
  const size = sizeMiB * 2 ** 20;
  const say = (msg: string) => console.error(`bench: ${msg}`);
  const [loadAverage] = loadavg();

  const dir = await mkdtemp(join(tmpdir(), 'strata-bench-image-'));
  const untrackDir = trackDir(dir);
  const dataDir = join(dir, 'data');
  const file = join(dir, 'image.bin');
  const adminPassword = `bench-${randomBytes(9).toString('base64url')}`;
  const env = { ...process.env, STRATA_ADMIN_PASSWORD: adminPassword };
  const stops: (() => Promise<void>)[] = [];
  try {
    say(`writing ${sizeMiB} MiB of random data`);
    const truth = await writeRandomFile(file, size, signal);
    const config = await loadConfig({ dataDir, env });
    say('timing md5 and sha512');
    const hashes = measureHashes();

    say('starting strata and the reference server');
    const server: ServerProcess = await startServer({ dataDir, port: await freePort(), env, signal });
    stops.push(() => server.stop());
    const ref = await startReferenceServer(file, dir, signal);
    stops.push(() => ref.stop());
    const token = await issueToken(server.url, passwordAuthBody(config.admin.user, adminPassword, ADMIN_SCOPE));
    const auth = { 'x-auth-token': token };
    await settle(1000);
    const idleMiB = rssMiB(server.pid);

    // Whichever client moves bytes faster against the plain server drives every measured transfer.
    say('choosing the faster client against the reference server');
    const clients = { upload: {}, download: {} } as ImageBenchResult['clients'];
    for (const kind of CLIENT_KINDS) {
      clients.upload[kind] = await bestOfTwo(() => upload(kind, `${ref.url}/sink`, file, size, {}, signal));
      clients.download[kind] = await bestOfTwo(() => download(kind, `${ref.url}/file`, {}, signal));
    }
    const best = (r: Record<ClientKind, number>) =>
      CLIENT_KINDS.reduce((a, b) => (r[b] > r[a] ? b : a), CLIENT_KINDS[0]);
    const chosen = { upload: best(clients.upload), download: best(clients.download) };

    const runs: Record<Series, MeasuredTransfer[]> = {
      referenceUpload: [],
      referenceUploadToDisk: [],
      referenceDownload: [],
      upload: [],
      download: [],
    };
    let firstImage: string | undefined;
    let integrity = { ok: true, detail: '' };
    // Rounds interleave reference and Strata, so load from other work on the machine hits both alike.
    for (let round = 1; round <= ROUNDS; round++) {
      say(`round ${round} of ${ROUNDS}`);
      runs.referenceUpload.push(
        await measureTransfer(ref.pid, 200, 'reference PUT', () =>
          upload(chosen.upload, `${ref.url}/sink`, file, size, {}, signal),
        ),
      );
      await flushDirtyPages();
      runs.referenceUploadToDisk.push(
        await measureTransfer(ref.pid, 200, 'reference PUT', () =>
          upload(chosen.upload, `${ref.url}/disk`, file, size, {}, signal),
        ),
      );
      await rm(join(dir, 'reference-upload.bin'), { force: true });
      const image = await createImage(server.url, token, `bench-${round}`);
      firstImage ??= image.id;
      await flushDirtyPages();
      const fileUrl = `${server.url}/image/v2/images/${image.id}/file`;
      runs.upload.push(
        await measureTransfer(server.pid, 204, 'PUT /image/v2/images/{id}/file', () =>
          upload(chosen.upload, fileUrl, file, size, auth, signal),
        ),
      );
      if (round === 1) integrity = checkRecord(await showImage(server.url, token, image.id), truth, size);
      runs.referenceDownload.push(
        await measureTransfer(ref.pid, 200, 'reference GET', () =>
          download(chosen.download, `${ref.url}/file`, {}, signal),
        ),
      );
      runs.download.push(
        await measureTransfer(server.pid, 200, 'GET /image/v2/images/{id}/file', () =>
          download(chosen.download, `${server.url}/image/v2/images/${firstImage}/file`, auth, signal),
        ),
      );
    }
    for (const d of runs.download)
      if (d.bytes !== size) integrity = { ok: false, detail: `a download brought ${d.bytes} bytes, not ${size}` };

    say('downloading once more, hashing the bytes');
    const record = await showImage(server.url, token, firstImage!);
    const check = await download('node:http', `${server.url}/image/v2/images/${firstImage}/file`, auth, signal, true);
    if (integrity.ok && (check.digests?.md5 !== record.checksum || check.digests?.sha512 !== record.os_hash_value))
      integrity = { ok: false, detail: 'downloaded bytes do not hash to the image checksum / os_hash_value' };
    await settle(1000);

    const partial: Omit<ImageBenchResult, 'targets'> = {
      machine: machineFacts(loadAverage),
      database: config.database.url ? 'PostgreSQL' : 'SQLite',
      sizeBytes: size,
      hashes,
      clients,
      chosen,
      runs,
      rss: { idleMiB, settledAfterMiB: rssMiB(server.pid), highWaterMiB: peakRssMiB(server.pid) },
      integrity,
    };
    const result: ImageBenchResult = { ...partial, targets: judge(partial) };
    console.log(values.json ? JSON.stringify(result, null, 2) : renderReport(result));
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
    untrackDir();
  }
}

/** The stored record against the file's own hashes: what the server computed on the way in. */
function checkRecord(
  image: { size: number | null; checksum: string | null; os_hash_algo: string | null; os_hash_value: string | null },
  truth: Digests,
  size: number,
): { ok: boolean; detail: string } {
  if (image.size !== size) return { ok: false, detail: `image size ${image.size}, file ${size}` };
  if (image.checksum !== truth.md5) return { ok: false, detail: 'image checksum is not the md5 of the file' };
  if (image.os_hash_algo !== 'sha512' || image.os_hash_value !== truth.sha512)
    return { ok: false, detail: 'image os_hash_value is not the sha512 of the file' };
  return { ok: true, detail: 'md5 + sha512 ok, up and down' };
}

/** MB/s of the faster of two runs, one after the other; a failed transfer breaks the bench. */
async function bestOfTwo(go: () => Promise<Transfer>): Promise<number> {
  const a = await go();
  const b = await go();
  // A client that cannot run here (no curl) simply loses the pick.
  return Math.max(...[a, b].map((t) => (t.status === 200 ? t.mbps : 0)));
}
