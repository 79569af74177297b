import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';

async function guestImages(cloud: TestCloud, query = '') {
  const res = await cloud.call('GET', `/image/v2/images?name=strata-guest${query}`, { token: cloud.adminToken });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.images as Record<string, any>[];
}

test('start uploads the built guest as the public image strata-guest, once per version of the file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'strata-seed-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const dataDir = join(dir, 'data');
  const guest = join(dir, 'strata-guest.qcow2');
  const first = randomBytes(256 * 1024);
  await writeFile(guest, first);
  const values = { image: { guestImage: guest } };

  let cloud = await startCloud(undefined, values, { dataDir });
  let [image] = await guestImages(cloud);
  assert.ok(image, 'strata-guest is listed');
  assert.equal(image.status, 'active');
  assert.equal(image.visibility, 'public');
  assert.equal(image.disk_format, 'qcow2');
  assert.equal(image.size, first.length);
  assert.equal(image.checksum, createHash('md5').update(first).digest('hex'));
  await cloud.close();

  // The same file: nothing new.
  cloud = await startCloud(undefined, values, { dataDir });
  assert.deepEqual(
    (await guestImages(cloud)).map((i) => i.id),
    [image.id],
  );
  await cloud.close();

  // Rebuilt: the new file becomes strata-guest, the old image stays usable by id but hidden.
  const second = randomBytes(128 * 1024);
  await writeFile(guest, second);
  cloud = await startCloud(undefined, values, { dataDir });
  t.after(() => cloud.close());
  const listed = await guestImages(cloud);
  assert.equal(listed.length, 1);
  assert.notEqual(listed[0].id, image.id);
  assert.equal(listed[0].size, second.length);
  [image] = (await guestImages(cloud, '&os_hidden=true')).filter((i) => i.id === image.id);
  assert.equal(image.status, 'active');
  assert.equal(image.os_hidden, true);
});

test('start without a built guest uploads nothing', async (t) => {
  const cloud = await startCloud(t, { image: { guestImage: '/nonexistent/strata-guest.qcow2' } });
  assert.deepEqual(await guestImages(cloud), []);
});
