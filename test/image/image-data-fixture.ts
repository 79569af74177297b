import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestCloud } from '../helpers/cloud.ts';

/** Creates an image through the records API (POST /v2/images) and returns its id. */
export async function createImage(
  cloud: TestCloud,
  token: string,
  fields: Record<string, unknown> = {},
): Promise<string> {
  const res = await cloud.call('POST', '/image/v2/images', {
    token,
    body: { name: 'data-test', disk_format: 'raw', container_format: 'bare', ...fields },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

export async function showImage(cloud: TestCloud, token: string, id: string): Promise<Record<string, any>> {
  const res = await cloud.call('GET', `/image/v2/images/${id}`, { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/**
 * PUTs bytes (a Buffer, or a ReadableStream sent chunked) to /file or /stage; resolves once the answer is read
 * (an unread fetch body keeps its connection busy, and the cloud's close would wait for it).
 */
export async function putData(
  cloud: TestCloud,
  token: string,
  path: string,
  body: Buffer | ReadableStream<Uint8Array>,
  opts: { signal?: AbortSignal; contentType?: string } = {},
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${cloud.base}/image/v2/images/${path}`, {
    method: 'PUT',
    headers: { 'x-auth-token': token, 'content-type': opts.contentType ?? 'application/octet-stream' },
    body,
    signal: opts.signal,
    // Node's fetch needs this for a stream body; it then sends Transfer-Encoding: chunked.
    ...(!(body instanceof Buffer) && { duplex: 'half' }),
  } as RequestInit);
  return { status: res.status, text: await res.text() };
}

/** The status of a download whose body the test does not need (read anyway, see putData). */
export async function statusOf(res: Promise<Response>): Promise<number> {
  const r = await res;
  await r.arrayBuffer();
  return r.status;
}

export function getFile(cloud: TestCloud, token: string, id: string, headers: Record<string, string> = {}) {
  return fetch(`${cloud.base}/image/v2/images/${id}/file`, { headers: { 'x-auth-token': token, ...headers } });
}

export async function waitForStatus(
  cloud: TestCloud,
  token: string,
  id: string,
  status: string,
): Promise<Record<string, any>> {
  for (let i = 0; i < 200; i++) {
    const image = await showImage(cloud, token, id);
    if (image.status === status) return image;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`image ${id} never reached ${status}`);
}

export const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
export const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

/** Every file under the cloud's image data and staging directories. */
export async function dataFiles(cloud: TestCloud): Promise<string[]> {
  const out: string[] = [];
  for (const dir of ['images', 'image-staging']) {
    try {
      for (const f of await readdir(join(cloud.dataDir, dir))) out.push(`${dir}/${f}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return out.sort();
}

/** A stream of `total` bytes in `chunk`-sized pieces, produced on demand (never held at once). */
export function generated(
  total: number,
  chunk = 1024 * 1024,
  onPull?: (sent: number) => void,
): ReadableStream<Uint8Array> {
  let sent = 0;
  const piece = new Uint8Array(chunk).fill(7);
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(chunk, total - sent);
      // The same bytes every time: the test measures the server's memory, not garbage made by the client.
      controller.enqueue(n === chunk ? piece : piece.subarray(0, n));
      sent += n;
      onPull?.(sent);
    },
  });
}
