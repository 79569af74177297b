import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Notification } from '../../../src/core/bus/bus.ts';
import { createMemoryBus } from '../../../src/core/bus/memory-bus.ts';
import { startCloud } from '../../helpers/cloud.ts';
import { createMember } from '../../identity/member-fixture.ts';
import { create, PATCH_20, patch } from '../image-fixtures.ts';

test('images: create, show, update, delete with Glance fields and notifications', async (t) => {
  const bus = createMemoryBus();
  const seen: Notification[] = [];
  bus.listenNotifications('image.', (n) => void seen.push(n));
  const cloud = await startCloud(t, {}, { bus });
  const token = cloud.adminToken;
  const res = await cloud.call('POST', '/image/v2/images', {
    token,
    body: {
      name: 'cirros',
      disk_format: 'qcow2',
      container_format: 'bare',
      tags: ['a', 'a', 'b'],
      hw_disk_bus: 'virtio',
    },
  });
  assert.equal(res.status, 201);
  const img = res.body;
  assert.match(img.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.match(res.headers.get('location') ?? '', new RegExp(`/image/v2/images/${img.id}$`));
  assert.equal(img.status, 'queued');
  assert.equal(img.visibility, 'shared');
  assert.equal(img.protected, false);
  assert.equal(img.os_hidden, false);
  assert.equal(img.size, null);
  assert.equal(img.virtual_size, null);
  assert.equal(img.checksum, null);
  assert.equal(img.os_hash_algo, null);
  assert.equal(img.min_ram, 0);
  assert.equal(img.hw_disk_bus, 'virtio');
  assert.deepEqual(img.tags.sort(), ['a', 'b']);
  assert.equal(img.self, `/v2/images/${img.id}`);
  assert.equal(img.file, `/v2/images/${img.id}/file`);
  assert.equal(img.schema, '/v2/schemas/image');
  assert.match(img.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(img.locations, undefined);
  assert.equal(img.stores, undefined);
  assert.equal(typeof img.owner, 'string');

  const withId = await create(cloud, token, { id: '11111111-2222-3333-4444-555555555555', name: null });
  assert.equal(withId.id, '11111111-2222-3333-4444-555555555555');
  const dup = await cloud.call('POST', '/image/v2/images', { token, body: { id: withId.id } });
  assert.equal(dup.status, 409);

  const shown = await cloud.call('GET', `/image/v2/images/${img.id}`, { token });
  assert.deepEqual(shown.body, img);

  const upd = await patch(cloud, token, img.id, [
    { op: 'replace', path: '/name', value: 'cirros-2' },
    { op: 'add', path: '/os_distro', value: 'cirros' },
    { op: 'remove', path: '/hw_disk_bus' },
    { op: 'replace', path: '/tags', value: ['x'] },
    { op: 'replace', path: '/min_ram', value: 512 },
  ]);
  assert.equal(upd.status, 200, JSON.stringify(upd.body));
  assert.equal(upd.body.name, 'cirros-2');
  assert.equal(upd.body.os_distro, 'cirros');
  assert.equal(upd.body.hw_disk_bus, undefined);
  assert.deepEqual(upd.body.tags, ['x']);
  assert.equal(upd.body.min_ram, 512);

  const v20 = await patch(cloud, token, img.id, [{ replace: '/name', value: 'old-style' }], PATCH_20);
  assert.equal(v20.body.name, 'old-style');
  const v20dup = await patch(cloud, token, img.id, [{ add: '/os_distro', value: 'x' }], PATCH_20);
  assert.equal(v20dup.status, 409);

  assert.equal((await cloud.call('PUT', `/image/v2/images/${img.id}/tags/new`, { token })).status, 204);
  assert.equal((await cloud.call('PUT', `/image/v2/images/${img.id}/tags/new`, { token })).status, 204);
  assert.deepEqual((await cloud.call('GET', `/image/v2/images/${img.id}`, { token })).body.tags.sort(), ['new', 'x']);
  assert.equal((await cloud.call('DELETE', `/image/v2/images/${img.id}/tags/new`, { token })).status, 204);
  assert.equal((await cloud.call('DELETE', `/image/v2/images/${img.id}/tags/new`, { token })).status, 404);

  assert.equal((await cloud.call('DELETE', `/image/v2/images/${img.id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `/image/v2/images/${img.id}`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `/image/v2/images/${img.id}`, { token })).status, 404);

  const mine = seen.filter((n) => (n.payload as { id: string }).id === img.id);
  assert.deepEqual([...new Set(mine.map((n) => n.event_type))], ['image.create', 'image.update', 'image.delete']);
  assert.ok(mine.every((n) => n.publisher_id === 'image'));
  const deleted = mine.at(-1)!.payload as { deleted: boolean; status: string };
  assert.equal(deleted.deleted, true);
  assert.equal(deleted.status, 'deleted');
});

test('images: list filters, sorting and pagination', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const made = [];
  for (let i = 0; i < 5; i++) {
    made.push(
      await create(cloud, token, {
        name: `img-${i}`,
        disk_format: i % 2 ? 'raw' : 'qcow2',
        container_format: 'bare',
        tags: i < 2 ? ['small'] : ['big'],
        visibility: i === 4 ? 'community' : 'private',
        protected: i === 3,
        os_hidden: i === 2,
        flavour: i === 1 ? 'mint' : 'plain',
      }),
    );
  }
  const ids = (r: { body: { images: { id: string }[] } }) => r.body.images.map((i) => i.id);
  const list = async (q: string) => {
    const res = await cloud.call('GET', `/image/v2/images${q}`, { token });
    assert.equal(res.status, 200, `${q}: ${JSON.stringify(res.body)}`);
    return res;
  };
  const all = await list('');
  assert.equal(all.body.schema, '/v2/schemas/images');
  assert.equal(all.body.first, '/v2/images');
  assert.deepEqual(ids(all), [made[3].id, made[1].id, made[0].id], 'newest first; hidden and community left out');
  assert.deepEqual(ids(await list('?os_hidden=true')), [made[2].id]);
  assert.deepEqual(ids(await list('?visibility=community')), [made[4].id]);
  assert.deepEqual(ids(await list('?name=img-1')), [made[1].id]);
  assert.deepEqual(ids(await list('?name=in:img-0,img-1&sort_key=name&sort_dir=asc')), [made[0].id, made[1].id]);
  assert.deepEqual(ids(await list('?disk_format=raw')), [made[3].id, made[1].id]);
  assert.deepEqual(ids(await list('?tag=small&sort=name:asc')), [made[0].id, made[1].id]);
  assert.deepEqual(ids(await list('?protected=true')), [made[3].id]);
  assert.deepEqual(ids(await list('?flavour=mint')), [made[1].id]);
  assert.deepEqual(ids(await list('?status=queued&container_format=bare&sort=name:asc')), [
    made[0].id,
    made[1].id,
    made[3].id,
  ]);
  assert.deepEqual(ids(await list('?status=active')), []);
  assert.deepEqual(ids(await list('?size_min=1')), []);
  assert.deepEqual(ids(await list(`?created_at=gte:${made[0].created_at}&sort=name:asc`)), [
    made[0].id,
    made[1].id,
    made[3].id,
  ]);
  assert.deepEqual(ids(await list('?created_at=lt:2000-01-01T00:00:00Z')), []);
  assert.deepEqual(ids(await list('?visibility=all&sort_key=name&sort_dir=desc')), [
    made[4].id,
    made[3].id,
    made[1].id,
    made[0].id,
  ]);

  const p1 = await list('?limit=2&sort_key=name&sort_dir=asc');
  assert.deepEqual(ids(p1), [made[0].id, made[1].id]);
  assert.equal(p1.body.first, '/v2/images?limit=2&sort_key=name&sort_dir=asc');
  assert.equal(p1.body.next, `/v2/images?limit=2&sort_key=name&sort_dir=asc&marker=${made[1].id}`);
  const p2 = await list(`?limit=2&sort_key=name&sort_dir=asc&marker=${made[1].id}`);
  assert.deepEqual(ids(p2), [made[3].id]);
  assert.equal(p2.body.next, undefined);
});

test('images: visibility, ownership and protection between two projects', async (t) => {
  const cloud = await startCloud(t);
  const admin = cloud.adminToken;
  const alice = await createMember(cloud, 'alice');
  const bob = await createMember(cloud, 'bob');

  const priv = await create(cloud, alice.token, { name: 'priv', visibility: 'private' });
  const shared = await create(cloud, alice.token, { name: 'shared' });
  const community = await create(cloud, alice.token, { name: 'comm', visibility: 'community' });
  assert.equal(priv.owner, alice.projectId);
  const pub = await cloud.call('POST', '/image/v2/images', { token: alice.token, body: { visibility: 'public' } });
  assert.equal(pub.status, 403, 'publicize_image is admin only');
  const foreign = await cloud.call('POST', '/image/v2/images', { token: alice.token, body: { owner: bob.projectId } });
  assert.equal(foreign.status, 403);
  const publicImg = await create(cloud, admin, { name: 'pub', visibility: 'public' });

  assert.equal((await cloud.call('GET', `/image/v2/images/${priv.id}`, { token: bob.token })).status, 404);
  assert.equal((await cloud.call('GET', `/image/v2/images/${shared.id}`, { token: bob.token })).status, 404);
  assert.equal((await cloud.call('GET', `/image/v2/images/${community.id}`, { token: bob.token })).status, 200);
  assert.equal((await cloud.call('DELETE', `/image/v2/images/${priv.id}`, { token: bob.token })).status, 404);
  assert.equal(
    (await patch(cloud, bob.token, community.id, [{ op: 'replace', path: '/name', value: 'x' }])).status,
    403,
  );
  assert.equal((await cloud.call('DELETE', `/image/v2/images/${publicImg.id}`, { token: bob.token })).status, 403);

  const bobList = async (q = '') =>
    (await cloud.call('GET', `/image/v2/images${q}`, { token: bob.token })).body.images.map(
      (i: { id: string }) => i.id,
    );
  assert.deepEqual(await bobList(), [publicImg.id]);

  const add = await cloud.call('POST', `/image/v2/images/${shared.id}/members`, {
    token: alice.token,
    body: { member: bob.projectId },
  });
  assert.equal(add.status, 200, JSON.stringify(add.body));
  assert.equal((await cloud.call('GET', `/image/v2/images/${shared.id}`, { token: bob.token })).status, 200);
  assert.deepEqual(await bobList(), [publicImg.id], 'pending memberships are not listed by default');
  assert.deepEqual((await bobList('?member_status=pending')).sort(), [publicImg.id, shared.id].sort());
  const accept = await cloud.call('PUT', `/image/v2/images/${shared.id}/members/${bob.projectId}`, {
    token: bob.token,
    body: { status: 'accepted' },
  });
  assert.equal(accept.status, 200, JSON.stringify(accept.body));
  assert.ok((await bobList()).includes(shared.id));
  assert.deepEqual(await bobList('?visibility=shared'), [shared.id]);

  assert.equal((await patch(cloud, alice.token, priv.id, [{ op: 'replace', path: '/owner', value: 'x' }])).status, 403);
  assert.equal(
    (await patch(cloud, alice.token, priv.id, [{ op: 'replace', path: '/visibility', value: 'public' }])).status,
    403,
  );
  const moved = await patch(cloud, admin, priv.id, [{ op: 'replace', path: '/owner', value: bob.projectId }]);
  assert.equal(moved.body.owner, bob.projectId);

  const prot = await create(cloud, alice.token, { name: 'prot', protected: true });
  const refused = await cloud.call('DELETE', `/image/v2/images/${prot.id}`, { token: alice.token });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, '403 Forbidden');
  await patch(cloud, alice.token, prot.id, [{ op: 'replace', path: '/protected', value: false }]);
  assert.equal((await cloud.call('DELETE', `/image/v2/images/${prot.id}`, { token: alice.token })).status, 204);
});

test('images: deactivate and reactivate follow Glance status rules', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const img = await create(cloud, token, { name: 'x', disk_format: 'raw', container_format: 'bare' });
  const act = (a: string, id = img.id, tok = token) =>
    cloud.call('POST', `/image/v2/images/${id}/actions/${a}`, { token: tok });
  assert.equal((await act('deactivate')).status, 403, 'a queued image cannot be deactivated');
  assert.equal((await act('reactivate')).status, 403);
  const up = await cloud.call('PUT', `/image/v2/images/${img.id}/file`, {
    token,
    raw: 'hello',
    headers: { 'content-type': 'application/octet-stream' },
  });
  if (up.status !== 204) return t.skip(`image upload not available (${up.status})`);
  const active = (await cloud.call('GET', `/image/v2/images/${img.id}`, { token })).body;
  assert.equal(active.status, 'active');
  assert.equal(active.size, 5);
  assert.equal(active.stores, 'file');
  assert.equal((await act('reactivate')).status, 204, 'reactivating an active image is a no-op');
  assert.equal((await act('deactivate')).status, 204);
  assert.equal((await cloud.call('GET', `/image/v2/images/${img.id}`, { token })).body.status, 'deactivated');
  assert.equal((await act('deactivate')).status, 204);
  assert.equal((await act('reactivate')).status, 204);
  assert.equal((await cloud.call('GET', `/image/v2/images/${img.id}`, { token })).body.status, 'active');
  assert.equal((await act('deactivate', '00000000-0000-0000-0000-000000000000')).status, 404);
  const other = await createMember(cloud, 'carol');
  assert.equal((await act('deactivate', img.id, other.token)).status, 404, 'shared image of another project');
  assert.equal((await cloud.call('DELETE', `/image/v2/images/${img.id}`, { token })).status, 204);
});

test('schemas: image, images, member and members as Glance publishes them', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const image = (await cloud.call('GET', '/image/v2/schemas/image', { token })).body;
  assert.equal(image.name, 'image');
  assert.deepEqual(image.additionalProperties, { type: 'string' });
  assert.deepEqual(image.properties.name.type, ['null', 'string']);
  assert.ok(image.properties.disk_format.enum.includes(null));
  assert.equal(image.properties.kernel_id.is_base, false);
  const images = (await cloud.call('GET', '/image/v2/schemas/images', { token })).body;
  assert.equal(images.name, 'images');
  assert.deepEqual(images.properties.images.items, image);
  const member = (await cloud.call('GET', '/image/v2/schemas/member', { token })).body;
  assert.equal(member.name, 'member');
  assert.deepEqual(member.properties.status.enum, ['pending', 'accepted', 'rejected']);
  const members = (await cloud.call('GET', '/image/v2/schemas/members', { token })).body;
  assert.equal(members.name, 'members');
  assert.equal((await cloud.call('GET', '/image/v2/schemas/image')).status, 401);
});
