/**
 * The image bench's client side: one HTTP transfer of a whole file, up (PUT from disk) or down (GET, bytes
 * counted and dropped), with node:http, fetch, or curl (the client Glance's figures were taken with). The
 * reference server and Strata are driven by the same code, so the ratio between them is the server's doing.
 */
import { execFile } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { request } from 'node:http';
import { Readable } from 'node:stream';

export type ClientKind = 'node:http' | 'fetch' | 'curl';
export const CLIENT_KINDS: readonly ClientKind[] = ['node:http', 'fetch', 'curl'];

/** Read size for the upload's file stream: fewer, larger writes keep the client's share of the CPU small. */
const READ_CHUNK = 1024 * 1024;

export interface Transfer {
  status: number;
  bytes: number;
  ms: number;
  /** 10^6 bytes per second over the whole request, first byte sent to last byte received. */
  mbps: number;
  /** The answer's body when it was short (an error, or a sink's report). */
  text: string;
}

/** Hex md5 and sha512 of what was received, when the download was asked to hash. */
export interface Digests {
  md5: string;
  sha512: string;
}

const done = (status: number, bytes: number, t0: number, text: string): Transfer => {
  const ms = performance.now() - t0;
  return { status, bytes, ms, mbps: bytes / 1e6 / (ms / 1000), text };
};

/** PUT `file` (`size` bytes) as application/octet-stream with Content-Length; `bytes` counts what was sent. */
export async function upload(
  kind: ClientKind,
  url: string,
  file: string,
  size: number,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<Transfer> {
  const all = { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(size) };
  if (kind === 'curl') return curl(['-X', 'PUT', '-T', file], all, url, signal);
  const t0 = performance.now();
  if (kind === 'fetch') {
    const body = Readable.toWeb(createReadStream(file, { highWaterMark: READ_CHUNK })) as ReadableStream;
    const res = await fetch(url, { method: 'PUT', headers: all, body, duplex: 'half', signal } as RequestInit);
    return done(res.status, size, t0, await res.text());
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: all, signal }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => {
        if (text.length < 4096) text += s;
      });
      res.on('end', () => resolve(done(res.statusCode ?? 0, size, t0, text)));
      res.on('error', reject);
    });
    req.on('error', reject);
    const src = createReadStream(file, { highWaterMark: READ_CHUNK });
    src.on('error', (err) => req.destroy(err));
    src.pipe(req);
  });
}

/** GET `url`, counting the body's bytes; with `hash`, also md5 and sha512 of them (slower: not for timing). */
export async function download(
  kind: ClientKind,
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  hash = false,
): Promise<Transfer & { digests?: Digests }> {
  if (kind === 'curl' && !hash) return curl([], headers, url, signal);
  const hashes = hash ? [createHash('md5'), createHash('sha512')] : [];
  const t0 = performance.now();
  let bytes = 0;
  let head = '';
  const take = (chunk: Uint8Array) => {
    bytes += chunk.byteLength;
    if (head.length < 4096)
      head += Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, 4096)).toString('latin1');
    for (const h of hashes) h.update(chunk);
  };
  const digests = (hs: Hash[]) => (hs.length ? { md5: hs[0].digest('hex'), sha512: hs[1].digest('hex') } : undefined);
  if (kind === 'fetch') {
    const res = await fetch(url, { headers, signal });
    if (res.body) for await (const chunk of res.body) take(chunk);
    return { ...done(res.status, bytes, t0, head.slice(0, 4096)), digests: digests(hashes) };
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, signal }, (res) => {
      res.on('data', take);
      res.on('end', () =>
        resolve({ ...done(res.statusCode ?? 0, bytes, t0, head.slice(0, 4096)), digests: digests(hashes) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * One curl transfer, body to /dev/null; the time is curl's own time_total, as in Glance's baseline, so its
 * process start-up is not counted. Resolves `status` 0 with curl's error when curl is missing or fails.
 */
function curl(args: string[], headers: Record<string, string>, url: string, signal: AbortSignal): Promise<Transfer> {
  const h = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const w = '%{http_code} %{time_total} %{size_upload} %{size_download}';
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '-o', '/dev/null', '-w', w, ...h, ...args, url], { signal }, (err, out, errOut) => {
      const [status, seconds, up, down] = out.split(' ').map(Number);
      if (err || !status) return resolve({ status: 0, bytes: 0, ms: 0, mbps: 0, text: `curl: ${errOut || err}` });
      const bytes = Math.max(up, down);
      resolve({ status, bytes, ms: seconds * 1000, mbps: bytes / 1e6 / seconds, text: '' });
    });
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
