import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverFixture } from './servers-fixture.ts';

// Tempest makes a security group and boots with it by name at once; the group list the previous boot cached
// must not hide it (it did: 400 "Security group ... not found").
test('a security group made right after a boot is found by name for the next boot', async (t) => {
  const f = await serverFixture(t);
  await f.boot({ security_groups: [{ name: 'default' }] });
  const made = await f.cloud.call('POST', '/networking/v2.0/security-groups', {
    token: f.token,
    body: { security_group: { name: 'made-just-now' } },
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  await f.boot({ name: 'vm2', security_groups: [{ name: 'made-just-now' }] });
  const unknown = await f.compute('POST', '/servers', {
    body: {
      server: {
        name: 'vm3',
        imageRef: f.imageId,
        flavorRef: f.flavorId,
        networks: [{ uuid: f.networkId }],
        security_groups: [{ name: 'never-made' }],
      },
    },
  });
  assert.equal(unknown.status, 400);
  assert.match(JSON.stringify(unknown.body), /Security group never-made not found/);
});
