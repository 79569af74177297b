import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';
import { createMember } from '../../identity/member-fixture.ts';
import {
  createImage,
  dataFiles,
  generated,
  getFile,
  md5,
  putData,
  sha512,
  showImage,
  statusOf,
  waitForStatus,
} from '../image-data-fixture.ts';

test('image data: upload then download byte-identical, with md5 and sha512 recorded', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const id = await createImage(cloud, token);

  const empty = await getFile(cloud, token, id);
  assert.equal(empty.status, 204, 'no data yet');
  await empty.arrayBuffer();

  const data = randomBytes(4 * 1024 * 1024 + 17);
  const put = await putData(cloud, token, `${id}/file`, data);
  assert.equal(put.status, 204, put.text);

  const image = await showImage(cloud, token, id);
  assert.equal(image.status, 'active');
  assert.equal(image.size, data.length);
  assert.equal(image.virtual_size, data.length, 'raw: virtual size is the size');
  assert.equal(image.checksum, md5(data));
  assert.equal(image.os_hash_algo, 'sha512');
  assert.equal(image.os_hash_value, sha512(data));

  const got = await getFile(cloud, token, id);
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'application/octet-stream');
  assert.equal(got.headers.get('content-length'), String(data.length));
  assert.equal(got.headers.get('content-md5'), md5(data));
  assert.ok(Buffer.from(await got.arrayBuffer()).equals(data));

  const again = await putData(cloud, token, `${id}/file`, data);
  assert.equal(again.status, 409, 'an active image takes no more data');
  assert.deepEqual(await dataFiles(cloud), [`images/${id}`]);
});

test('image data: a chunked upload (no Content-Length) and qcow2 virtual size', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const id = await createImage(cloud, token);
  const put = await putData(cloud, token, `${id}/file`, generated(3 * 1024 * 1024 + 5, 64 * 1024));
  assert.equal(put.status, 204, put.text);
  assert.equal((await showImage(cloud, token, id)).size, 3 * 1024 * 1024 + 5);

  const qid = await createImage(cloud, token, { disk_format: 'qcow2' });
  const header = Buffer.alloc(1024);
  header.write('QFI\xfb', 0, 'latin1');
  header.writeUInt32BE(3, 4);
  header.writeBigUInt64BE(10n * 1024n ** 3n, 24);
  assert.equal((await putData(cloud, token, `${qid}/file`, header)).status, 204);
  const q = await showImage(cloud, token, qid);
  assert.equal(q.size, 1024);
  assert.equal(q.virtual_size, 10 * 1024 ** 3);
});

test('image data: ranged downloads', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const id = await createImage(cloud, token);
  const data = randomBytes(10_000);
  assert.equal((await putData(cloud, token, `${id}/file`, data)).status, 204);

  const cases: [string, number, number][] = [
    ['bytes=0-99', 0, 99],
    ['bytes=9000-', 9000, 9999],
    ['bytes=-50', 9950, 9999],
    ['bytes=9990-20000', 9990, 9999],
  ];
  for (const [range, start, end] of cases) {
    const res = await getFile(cloud, token, id, { range });
    assert.equal(res.status, 206, range);
    assert.equal(res.headers.get('content-range'), `bytes ${start}-${end}/10000`, range);
    assert.equal(res.headers.get('content-length'), String(end - start + 1), range);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(data.subarray(start, end + 1)), range);
  }
  for (const range of ['bytes=10000-', 'bytes=50-10', 'bytes=0-1,5-9', 'items=0-1']) {
    const res = await getFile(cloud, token, id, { range });
    assert.equal(res.status, 416, range);
    assert.equal(res.headers.get('content-range'), 'bytes */10000', range);
    await res.arrayBuffer();
  }
});

test('image data: an interrupted upload leaves the image queued and no files behind', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const id = await createImage(cloud, token);
  const ac = new AbortController();
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      // Drop the connection only once the server is mid-upload, so the test sees what it does about it.
      if (sent === 16) {
        await waitForStatus(cloud, token, id, 'saving');
        ac.abort();
        return;
      }
      sent++;
      c.enqueue(new Uint8Array(256 * 1024).fill(3));
    },
  });
  await assert.rejects(putData(cloud, token, `${id}/file`, body, { signal: ac.signal }));
  // The server notices the dropped connection asynchronously: wait until it has put the image back.
  for (let i = 0; i < 100; i++) {
    if ((await showImage(cloud, token, id)).status === 'queued' && (await dataFiles(cloud)).length === 0) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal((await showImage(cloud, token, id)).status, 'queued');
  assert.deepEqual(await dataFiles(cloud), []);

  // The client may simply try again.
  const data = randomBytes(1000);
  assert.equal((await putData(cloud, token, `${id}/file`, data)).status, 204);
  assert.equal((await showImage(cloud, token, id)).checksum, md5(data));
});

test('image data: deleting the image during an upload answers 410 and removes the data', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const id = await createImage(cloud, token);
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      if (sent === 1) await gate;
      if (sent === 2) return c.close();
      sent++;
      c.enqueue(new Uint8Array(64 * 1024).fill(1));
    },
  });
  const put = putData(cloud, token, `${id}/file`, body);
  await waitForStatus(cloud, token, id, 'saving');
  assert.equal((await cloud.call('DELETE', `/image/v2/images/${id}`, { token })).status, 204);
  release();
  assert.equal((await put).status, 410);
  assert.deepEqual(await dataFiles(cloud), []);
});

test('image data: media type, ownership, and deactivated images', async (t) => {
  const cloud = await startCloud(t);
  const alice = await createMember(cloud, 'data-alice');
  const bob = await createMember(cloud, 'data-bob');
  const id = await createImage(cloud, alice.token);

  const json = await putData(cloud, alice.token, `${id}/file`, Buffer.from('{}'), { contentType: 'application/json' });
  assert.equal(json.status, 415);
  assert.equal((await putData(cloud, bob.token, `${id}/file`, Buffer.from('x'))).status, 404, 'private to alice');
  assert.equal((await putData(cloud, alice.token, `${id}/file`, Buffer.from('hello'))).status, 204);

  const deact = await cloud.call('POST', `/image/v2/images/${id}/actions/deactivate`, { token: cloud.adminToken });
  assert.equal(deact.status, 204);
  assert.equal(await statusOf(getFile(cloud, alice.token, id)), 403);
  const admin = await getFile(cloud, cloud.adminToken, id);
  assert.equal(admin.status, 200);
  assert.equal(await admin.text(), 'hello');
});

test('image data: uploading 200 MB keeps memory flat', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const id = await createImage(cloud, token);
  const total = 200 * 1024 * 1024;
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const put = await putData(cloud, token, `${id}/file`, generated(total));
    assert.equal(put.status, 204, put.text);
    const got = await getFile(cloud, token, id);
    let received = 0;
    for await (const chunk of got.body as unknown as AsyncIterable<Uint8Array>) received += chunk.length;
    assert.equal(received, total);
  } finally {
    clearInterval(timer);
  }
  const growth = (peak - before) / 1024 / 1024;
  assert.ok(growth < 100, `RSS grew by ${growth.toFixed(0)} MB while moving 200 MB through the cloud`);
  assert.equal((await showImage(cloud, token, id)).size, total);
});
