import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import type { TestCloud } from '../../helpers/cloud.ts';
import { startCloud } from '../../helpers/cloud.ts';
import { createMember } from '../../identity/member-fixture.ts';
import { assertGlanceError } from '../bad-input-cases.ts';
import { createImage, dataFiles, putData, showImage, waitForStatus } from '../image-data-fixture.ts';

const NONE = '00000000-0000-0000-0000-000000000000';
/** Glance's default image_size_cap (1 TiB), which Strata keeps. */
const SIZE_CAP = 1024 ** 4;

interface DataCase {
  name: string;
  status: number;
  method: 'PUT' | 'GET';
  /** Image id, then `/file` or `/stage`. */
  path: string;
  token?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  todo?: string;
}

/** One data request through fetch, its answer read whole (the bodies here are small error documents). */
async function send(cloud: TestCloud, c: DataCase) {
  const res = await fetch(`${cloud.base}/image/v2/images/${c.path}`, {
    method: c.method,
    headers: { 'x-auth-token': c.token ?? cloud.adminToken, ...c.headers },
    body: c.body && new Uint8Array(c.body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/**
 * Sends a PUT by hand over a socket: headers, then `parts` written one by one, then the socket destroyed once
 * the image shows `saving` (or `uploading` for /stage), so the server is mid-stream when the client vanishes.
 */
async function interruptedPut(
  cloud: TestCloud,
  id: string,
  target: 'file' | 'stage',
  framing: { contentLength: number } | 'chunked',
) {
  const url = new URL(cloud.base);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('error', () => {});
  const length = framing === 'chunked' ? 'transfer-encoding: chunked' : `content-length: ${framing.contentLength}`;
  socket.write(
    `PUT /image/v2/images/${id}/${target} HTTP/1.1\r\nhost: ${url.host}\r\nx-auth-token: ${cloud.adminToken}\r\n` +
      `content-type: application/octet-stream\r\n${length}\r\n\r\n`,
  );
  const piece = Buffer.alloc(64 * 1024, 5);
  for (let i = 0; i < 4; i++) {
    if (framing === 'chunked') socket.write(`${piece.length.toString(16)}\r\n`);
    socket.write(piece);
    if (framing === 'chunked') socket.write('\r\n');
  }
  await waitForStatus(cloud, cloud.adminToken, id, target === 'file' ? 'saving' : 'uploading');
  socket.destroy();
}

/** The server notices a dropped client asynchronously: wait for the image to be back to queued, files gone. */
async function assertRolledBack(cloud: TestCloud, id: string) {
  for (let i = 0; i < 200; i++) {
    if ((await showImage(cloud, cloud.adminToken, id)).status === 'queued' && (await dataFiles(cloud)).length === 0)
      break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const image = await showImage(cloud, cloud.adminToken, id);
  assert.equal(image.status, 'queued');
  assert.equal(image.size, null);
  assert.equal(image.checksum, null);
  assert.deepEqual(await dataFiles(cloud), [], 'nothing left under images/ or image-staging/');
  // The client may simply try again.
  assert.equal((await putData(cloud, cloud.adminToken, `${id}/file`, Buffer.from('again'))).status, 204);
}

test('image data: bad uploads and downloads answer Glance 4xx bodies', async (t) => {
  const cloud = await startCloud(t);
  const admin = cloud.adminToken;
  const alice = await createMember(cloud, 'bad-data-alice');
  const bob = await createMember(cloud, 'bad-data-bob');
  const queued = await createImage(cloud, admin);
  // Cases still marked todo may wrongly succeed: they get an image of their own so the others stay meaningful.
  const spare = await createImage(cloud, admin);
  const active = await createImage(cloud, admin);
  assert.equal((await putData(cloud, admin, `${active}/file`, Buffer.from('hello'))).status, 204);
  const deactivated = await createImage(cloud, alice.token);
  assert.equal((await putData(cloud, alice.token, `${deactivated}/file`, Buffer.from('hello'))).status, 204);
  const deact = await cloud.call('POST', `/image/v2/images/${deactivated}/actions/deactivate`, { token: admin });
  assert.equal(deact.status, 204);
  const priv = await createImage(cloud, alice.token, { visibility: 'private' });
  const shared = await createImage(cloud, alice.token, { visibility: 'shared' });
  const share = await cloud.call('POST', `/image/v2/images/${shared}/members`, {
    token: alice.token,
    body: { member: bob.projectId },
  });
  assert.equal(share.status, 200);

  const octet = { 'content-type': 'application/octet-stream' };
  const data = Buffer.from('data');
  const put = (name: string, status: number, path: string, extra: Partial<DataCase> = {}): DataCase => ({
    name,
    status,
    method: 'PUT',
    path,
    headers: octet,
    body: data,
    ...extra,
  });
  const get = (name: string, status: number, path: string, extra: Partial<DataCase> = {}): DataCase => ({
    name,
    status,
    method: 'GET',
    path,
    ...extra,
  });
  const cases: DataCase[] = [
    put('upload: application/json', 415, `${queued}/file`, {
      headers: { 'content-type': 'application/json' },
    }),
    put('upload: text/plain', 415, `${queued}/file`, { headers: { 'content-type': 'text/plain' } }),
    put('upload: no content type', 415, `${queued}/file`, { headers: {} }),
    put('upload: active image', 409, `${active}/file`),
    put('upload: deactivated image', 409, `${deactivated}/file`, { token: alice.token }),
    put('upload: no such image', 404, `${NONE}/file`),
    put('upload: id not a UUID', 404, 'not-an-id/file'),
    put("upload: another project's private image", 404, `${priv}/file`, { token: bob.token }),
    put('upload: shared image by a member', 403, `${shared}/file`, { token: bob.token }),
    put('upload: bad x-openstack-image-size', 400, `${spare}/file`, {
      headers: { ...octet, 'x-openstack-image-size': 'big' },
    }),
    put('stage: active image', 409, `${active}/stage`),
    put("stage: another project's private image", 404, `${priv}/stage`, { token: bob.token }),
    put('stage: application/json', 415, `${queued}/stage`, {
      headers: { 'content-type': 'application/json' },
    }),
    get('download: no such image', 404, `${NONE}/file`),
    get("download: another project's private image", 404, `${priv}/file`, { token: bob.token }),
    get('download: deactivated image by its owner', 403, `${deactivated}/file`, { token: alice.token }),
    get('download: range past the end', 416, `${active}/file`, { headers: { range: 'bytes=5-' } }),
    get('download: malformed range', 416, `${active}/file`, { headers: { range: 'bytes=x-y' } }),
    get('download: several ranges', 416, `${active}/file`, { headers: { range: 'bytes=0-1,3-4' } }),
  ];
  for (const c of cases) {
    await t.test(c.name, { todo: c.todo }, async () => {
      const res = await send(cloud, c);
      assertGlanceError(res, c.status);
      if (c.status === 416) assert.equal(res.headers.get('content-range'), 'bytes */5');
    });
  }

  await t.test('download: queued image has no content (204), not an error', async () => {
    const res = await fetch(`${cloud.base}/image/v2/images/${queued}/file`, { headers: { 'x-auth-token': admin } });
    assert.equal(res.status, 204);
    assert.equal(await res.text(), '');
  });
  // The failed uploads above left nothing behind, and the queued image is still queued.
  assert.equal((await showImage(cloud, admin, queued)).status, 'queued');
  assert.equal((await showImage(cloud, alice.token, deactivated)).status, 'deactivated');
});

test('image data: a body announced past the image size cap is refused up front with 413', async (t) => {
  const cloud = await startCloud(t);
  const id = await createImage(cloud, cloud.adminToken);
  const url = new URL(cloud.base);
  const socket = connect(Number(url.port), url.hostname);
  socket.on('error', () => {});
  socket.write(
    `PUT /image/v2/images/${id}/file HTTP/1.1\r\nhost: ${url.host}\r\nx-auth-token: ${cloud.adminToken}\r\n` +
      `content-type: application/octet-stream\r\ncontent-length: ${SIZE_CAP + 1}\r\n\r\n` +
      'a few bytes',
  );
  const answer = await new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (d) => {
      text += d.toString();
      if (text.includes('\r\n\r\n')) resolve(text);
    });
    setTimeout(() => resolve(text), 2000);
  });
  // Before the cloud closes, which would otherwise wait for this half-sent request.
  socket.destroy();
  assert.match(answer, /^HTTP\/1\.1 413 /);
  assert.equal((await showImage(cloud, cloud.adminToken, id)).status, 'queued');
});

test('image data: an upload cut short (Content-Length larger than sent) leaves the image queued', async (t) => {
  const cloud = await startCloud(t);
  const id = await createImage(cloud, cloud.adminToken);
  await interruptedPut(cloud, id, 'file', { contentLength: 1024 * 1024 });
  await assertRolledBack(cloud, id);
});

test('image data: a chunked upload cut short leaves the image queued', async (t) => {
  const cloud = await startCloud(t);
  const id = await createImage(cloud, cloud.adminToken);
  await interruptedPut(cloud, id, 'file', 'chunked');
  await assertRolledBack(cloud, id);
});

test('image data: a stage cut short leaves the image queued and nothing staged', async (t) => {
  const cloud = await startCloud(t);
  const id = await createImage(cloud, cloud.adminToken);
  await interruptedPut(cloud, id, 'stage', { contentLength: 1024 * 1024 });
  await assertRolledBack(cloud, id);
});
