import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverFixture } from './servers-fixture.ts';

test('a group hint makes the server a member; forced hosts and 2.74 hosts need an admin and a known host', async (t) => {
  const f = await serverFixture(t, { compute: { quotas: { server_group_members: 1 } } });
  const group = await f.compute('POST', '/os-server-groups', {
    body: { server_group: { name: 'g', policies: ['affinity'] } },
  });
  assert.equal(group.status, 200, JSON.stringify(group.body));
  const gid = group.body.server_group.id;
  const hinted = await f.compute('POST', '/servers', {
    body: {
      server: { name: 'grouped', imageRef: f.imageId, flavorRef: '42', networks: [{ uuid: f.networkId }] },
      'OS-SCH-HNT:scheduler_hints': { group: gid },
    },
  });
  assert.equal(hinted.status, 202, JSON.stringify(hinted.body));
  const server = await f.waitFor(hinted.body.server.id, 'ACTIVE');
  const shown = await f.compute('GET', `/os-server-groups/${gid}`);
  assert.deepEqual(shown.body.server_group.members, [server.id]);
  const v271 = await f.compute('GET', `/servers/${server.id}`, { mv: '2.71' });
  assert.deepEqual(v271.body.server.server_groups, [gid]);
  const second = await f.compute('POST', '/servers', {
    body: {
      server: { name: 'grouped2', imageRef: f.imageId, flavorRef: '42', networks: [{ uuid: f.networkId }] },
      'OS-SCH-HNT:scheduler_hints': { group: gid },
    },
  });
  assert.equal(second.status, 403, JSON.stringify(second.body));
  const missing = await f.compute('POST', '/servers', {
    body: {
      server: { name: 'x', imageRef: f.imageId, flavorRef: '42', networks: [{ uuid: f.networkId }] },
      'OS-SCH-HNT:scheduler_hints': { group: '00000000-0000-0000-0000-000000000000' },
    },
  });
  assert.equal(missing.status, 400);

  const host = server['OS-EXT-SRV-ATTR:host'];
  const forced = await f.compute('POST', '/servers', {
    body: {
      server: {
        name: 'forced',
        imageRef: f.imageId,
        flavorRef: '42',
        networks: [{ uuid: f.networkId }],
        availability_zone: `nova:${host}`,
      },
    },
  });
  assert.equal(forced.status, 202, JSON.stringify(forced.body));
  assert.equal((await f.waitFor(forced.body.server.id, 'ACTIVE'))['OS-EXT-SRV-ATTR:host'], host);
  const unknown = await f.compute('POST', '/servers', {
    mv: '2.74',
    body: {
      server: { name: 'h', imageRef: f.imageId, flavorRef: '42', networks: [{ uuid: f.networkId }], host: 'nowhere' },
    },
  });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.badRequest.message, 'Compute host nowhere could not be found.');
});
