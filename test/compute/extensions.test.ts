import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../helpers/cloud.ts';

test('GET /extensions lists Nova frozen extensions; one by alias, 404 for an unknown alias', async (t) => {
  const cloud = await startCloud(t);
  const list = await cloud.call('GET', '/compute/v2.1/extensions', { token: cloud.adminToken });
  assert.equal(list.status, 200);
  const aliases = list.body.extensions.map((e: { alias: string }) => e.alias);
  assert.ok(aliases.includes('os-consoles') && aliases.includes('OS-EXT-STS'));
  for (const e of list.body.extensions)
    assert.deepEqual(Object.keys(e).sort(), ['alias', 'description', 'links', 'name', 'namespace', 'updated']);
  const one = await cloud.call('GET', '/compute/v2.1/extensions/os-consoles', { token: cloud.adminToken });
  assert.equal(one.status, 200);
  assert.equal(one.body.extension.alias, 'os-consoles');
  const missing = await cloud.call('GET', '/compute/v2.1/extensions/os-nothing', { token: cloud.adminToken });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.itemNotFound.code, 404);
});
