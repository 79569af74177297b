import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readlink, truncate, unlink } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createImage, getFile, md5, putData } from '../image-data-fixture.ts';

/** An active image holding `data`; returns its id and the path of its file in the store. */
async function imageWith(cloud: TestCloud, data: Buffer): Promise<{ id: string; path: string }> {
  const id = await createImage(cloud, cloud.adminToken);
  const put = await putData(cloud, cloud.adminToken, `${id}/file`, data);
  assert.equal(put.status, 204, put.text);
  return { id, path: join(cloud.dataDir, 'images', id) };
}

/** How many descriptors this process (the cloud runs in it) has open on `path`. */
async function openFds(path: string): Promise<number> {
  let n = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target === path) n++;
  }
  return n;
}

async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(what);
}

test('image download: headers, keep-alive, ranges and an empty image', async (t) => {
  const cloud = await startCloud(t);
  const data = randomBytes(3 * 1024 * 1024 + 11);
  const { id } = await imageWith(cloud, data);
  const requestId = 'req-11111111-2222-4333-8444-555555555555';

  const res = await getFile(cloud, cloud.adminToken, id, { 'x-openstack-request-id': requestId });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  assert.equal(res.headers.get('content-length'), String(data.length));
  assert.equal(res.headers.get('content-md5'), md5(data));
  assert.equal(res.headers.get('x-openstack-request-id'), requestId);
  // A GET has no body to drain, so its connection stays open for the next request.
  assert.equal(res.headers.get('connection'), 'keep-alive');
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(data));

  // Ranges that start and end inside, across and at the edges of the store's 1 MiB reads.
  for (const [start, end] of [
    [0, 0],
    [1024 * 1024 - 1, 1024 * 1024],
    [5, 2 * 1024 * 1024 + 7],
    [data.length - 1, data.length - 1],
  ]) {
    const ranged = await getFile(cloud, cloud.adminToken, id, { range: `bytes=${start}-${end}` });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-range'), `bytes ${start}-${end}/${data.length}`);
    assert.equal(ranged.headers.get('content-length'), String(end - start + 1));
    assert.equal(ranged.headers.get('content-md5'), md5(data));
    assert.match(ranged.headers.get('x-openstack-request-id') ?? '', /^req-/);
    assert.ok(Buffer.from(await ranged.arrayBuffer()).equals(data.subarray(start, end + 1)));
  }

  const empty = await imageWith(cloud, Buffer.alloc(0));
  const none = await getFile(cloud, cloud.adminToken, empty.id);
  assert.equal(none.status, 200);
  assert.equal(none.headers.get('content-length'), '0');
  assert.equal((await none.arrayBuffer()).byteLength, 0);
});

test('image download: concurrent downloads reusing buffers each get their own bytes', async (t) => {
  const cloud = await startCloud(t);
  const images: { id: string; data: Buffer }[] = [];
  for (let i = 0; i < 3; i++) {
    const data = randomBytes(5 * 1024 * 1024 + i * 4099);
    images.push({ data, ...(await imageWith(cloud, data)) });
  }
  // Twice over so the second round runs on buffers the first gave back.
  for (let round = 0; round < 2; round++) {
    const got: { id: string; body: Buffer }[] = await Promise.all(
      images
        .flatMap(({ id }) => [id, id])
        .map(async (id) => {
          const res = await getFile(cloud, cloud.adminToken, id);
          assert.equal(res.status, 200);
          return { id, body: Buffer.from(await res.arrayBuffer()) };
        }),
    );
    for (const { id, body } of got) {
      const data = images.find((i) => i.id === id)?.data;
      assert.ok(data && body.equals(data), `round ${round}: ${id}`);
    }
  }
});

test('image download: a client going away mid-download closes the file', async (t) => {
  const cloud = await startCloud(t);
  const { id, path } = await imageWith(cloud, randomBytes(48 * 1024 * 1024));
  const url = new URL(`${cloud.base}/image/v2/images/${id}/file`);
  await new Promise<void>((resolve, reject) => {
    const req = request(url, { headers: { 'x-auth-token': cloud.adminToken } }, (res) => {
      assert.equal(res.statusCode, 200);
      res.once('data', () => {
        // The server is now holding the file open, blocked on a socket nobody reads.
        req.destroy();
        resolve();
      });
    });
    req.on('error', () => {});
    req.once('error', reject);
    req.end();
  });
  await eventually('the image file is still open after the client left', async () => (await openFds(path)) === 0);

  const again = await getFile(cloud, cloud.adminToken, id);
  assert.equal(again.status, 200);
  assert.equal((await again.arrayBuffer()).byteLength, 48 * 1024 * 1024);
  assert.equal(await openFds(path), 0);
});

test('image download: data shorter than the record cuts the connection, never an error after 200', async (t) => {
  const cloud = await startCloud(t);
  const data = randomBytes(6 * 1024 * 1024);
  const { id, path } = await imageWith(cloud, data);
  await truncate(path, 2 * 1024 * 1024 + 3);

  const res = await getFile(cloud, cloud.adminToken, id);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-length'), String(data.length));
  await assert.rejects(res.arrayBuffer(), 'the body ends early and the client is told so');
  await eventually('the image file is still open after a failed download', async () => (await openFds(path)) === 0);

  // A missing file is Glance's 204, decided before any header is written.
  await unlink(path);
  const gone = await getFile(cloud, cloud.adminToken, id);
  assert.equal(gone.status, 204);
  await gone.arrayBuffer();
});
