import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../helpers/cloud.ts';

test('version documents: the list and v2.1 with the microversion range', async (t) => {
  const cloud = await startCloud(t);
  const list = await cloud.call('GET', '/compute/');
  assert.equal(list.status, 200);
  const ids = list.body.versions.map((v: { id: string }) => v.id);
  assert.deepEqual(ids, ['v2.0', 'v2.1']);
  const v21 = list.body.versions[1];
  assert.equal(v21.status, 'CURRENT');
  assert.equal(v21.version, '2.93');
  assert.equal(v21.min_version, '2.1');
  assert.equal(v21.updated, '2013-07-23T11:33:21Z');
  assert.match(v21.links[0].href, /\/compute\/v2\.1\/$/);
  for (const path of ['/compute/v2.1', '/compute/v2.1/']) {
    const one = await cloud.call('GET', path);
    assert.equal(one.status, 200, path);
    assert.equal(one.body.version.id, 'v2.1');
    assert.equal(one.body.version.version, '2.93');
    assert.ok(Array.isArray(one.body.version['media-types']));
  }
  // Every listed self link answers its own document with the same self link (Tempest's test_get_version_details).
  for (const v of list.body.versions) {
    const self = v.links.find((l: { rel: string }) => l.rel === 'self');
    const doc = await cloud.call('GET', new URL(self.href).pathname);
    assert.equal(doc.status, 200, self.href);
    assert.deepEqual(
      doc.body.version.links.filter((l: { rel: string }) => l.rel === 'self'),
      [self],
    );
  }
});
