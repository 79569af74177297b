import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverFixture } from './servers-fixture.ts';

test('createBackup keeps the newest `rotation` backups', async (t) => {
  const f = await serverFixture(t);
  const uuid = await f.boot();
  await f.waitFor(uuid, 'ACTIVE');
  const ids: string[] = [];
  for (const name of ['b1', 'b2', 'b3']) {
    const res = await f.compute('POST', `/servers/${uuid}/action`, {
      mv: '2.45',
      body: { createBackup: { name, backup_type: 'daily', rotation: 2 } },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    ids.push(res.body.image_id);
    await f.waitFor(uuid, 'ACTIVE');
  }
  const shown = await Promise.all(ids.map((id) => f.cloud.call('GET', `/image/v2/images/${id}`, { token: f.token })));
  assert.deepEqual(
    shown.map((r) => r.status),
    [404, 200, 200],
  );
  assert.equal(shown[1].body.image_type, 'backup');
  assert.equal(shown[1].body.backup_type, 'daily');
  const bad = await f.compute('POST', `/servers/${uuid}/action`, {
    body: { createBackup: { name: 'x', backup_type: 'daily' } },
  });
  assert.equal(bad.status, 400);
});
