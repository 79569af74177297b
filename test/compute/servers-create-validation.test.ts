import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverFixture } from './servers-fixture.ts';

test('create rejects bad input with Nova statuses and messages', async (t) => {
  const f = await serverFixture(t);
  const create = (server: Record<string, unknown>, mv?: string, extra: Record<string, unknown> = {}) =>
    f.compute('POST', '/servers', {
      mv,
      body: {
        server: { name: 'v', imageRef: f.imageId, flavorRef: '42', networks: [{ uuid: f.networkId }], ...server },
        ...extra,
      },
    });
  const expect400 = async (server: Record<string, unknown>, message?: string | RegExp, mv?: string) => {
    const res = await create(server, mv);
    assert.equal(res.status, 400, `${JSON.stringify(server)} → ${res.status} ${JSON.stringify(res.body)}`);
    if (typeof message === 'string') assert.equal(res.body.badRequest.message, message);
    else if (message) assert.match(res.body.badRequest.message, message);
  };
  await expect400({ name: '' });
  await expect400({ name: 12345 });
  await expect400({ name: 'a'.repeat(256) });
  await expect400({ name: ' padded ' });
  await expect400({ imageRef: '00000000-0000-0000-0000-000000000000' }, 'Can not find requested image');
  await expect400({ imageRef: 'not-a-uuid' }, 'Invalid imageRef provided.');
  await expect400({ flavorRef: '999' }, 'Flavor 999 could not be found.');
  await expect400({ accessIPv4: '1.1.1.1.1' });
  await expect400({ accessIPv6: 'notv6' });
  await expect400({ key_name: 'missing' }, 'Invalid key_name provided.');
  await expect400({ metadata: { ['k'.repeat(256)]: 'v' } });
  await expect400({ metadata: { '': 'v' } });
  await expect400({ user_data: 'not base64!' }, 'User data needs to be valid base 64.');
  await expect400({ unknown_key: 1 });
  await expect400({ personality: [{ path: '/etc/x', contents: 'This is a test file.' }] });
  await expect400({ networks: [{ uuid: 'bad-uuid' }] });
  const files = Array.from({ length: 6 }, (_, i) => ({ path: `/etc/f${i}`, contents: 'YQ==' }));
  const tooMany = await create({ personality: files });
  assert.equal(tooMany.status, 403, JSON.stringify(tooMany.body));
  assert.equal(tooMany.body.forbidden.message, 'Personality file limit exceeded');
  await expect400({ min_count: 3, max_count: 2 });
  await expect400({
    block_device_mapping_v2: [{ source_type: 'volume', uuid: f.imageId, destination_type: 'volume', boot_index: 0 }],
  });
  await expect400({ availability_zone: 'nowhere' }, 'The requested availability zone is not available');
  await expect400({ description: 'x' }, undefined, '2.18');
  await expect400({ tags: ['a'] }, undefined, '2.51');
  await expect400({ networks: undefined }, undefined, '2.37');
  await expect400({ personality: [] }, undefined, '2.57');
  await expect400({ hostname: 'a b' }, undefined, '2.90');
  const good = await create(
    {
      description: 'desc',
      tags: ['t1'],
      accessIPv4: '1.1.1.1',
      accessIPv6: '0000:0000:0000:0000:0000:babe:220.12.22.2',
    },
    '2.52',
  );
  assert.equal(good.status, 202, JSON.stringify(good.body));
  const view = await f.compute('GET', `/servers/${good.body.server.id}`, { mv: '2.52' });
  assert.equal(view.body.server.description, 'desc');
  assert.deepEqual(view.body.server.tags, ['t1']);
  // Nova answers the address it stored, in the compressed form.
  assert.equal(view.body.server.accessIPv6, '::babe:dc0c:1602');
  assert.equal(view.body.server.accessIPv4, '1.1.1.1');
  // Image, quota and policy come after the schema: a locked server cannot be deleted by its owner (admins may).
  const none = await create({ networks: 'none' }, '2.37');
  assert.equal(none.status, 202, JSON.stringify(none.body));
  const auto = await f.compute('POST', '/servers', {
    body: { server: { name: 'x', imageRef: f.imageId, flavorRef: '42' } },
    mv: '2.37',
  });
  assert.equal(auto.status, 400);
});

test('quota on instances answers 403', async (t) => {
  const f = await serverFixture(t, { compute: { quotas: { instances: 1 } } });
  const first = await f.compute('POST', '/servers', {
    body: { server: { name: 'one', imageRef: f.imageId, flavorRef: '42', networks: [{ uuid: f.networkId }] } },
  });
  assert.equal(first.status, 202);
  const second = await f.compute('POST', '/servers', {
    body: { server: { name: 'two', imageRef: f.imageId, flavorRef: '42', networks: [{ uuid: f.networkId }] } },
  });
  assert.equal(second.status, 403, JSON.stringify(second.body));
  assert.match(second.body.forbidden.message, /Quota exceeded for instances/);
});
