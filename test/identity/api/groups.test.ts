import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';

const G = '/identity/v3/groups';

async function create(cloud: TestCloud, kind: 'group' | 'user', entity: Record<string, unknown>) {
  const res = await cloud.call('POST', `/identity/v3/${kind}s`, { token: cloud.adminToken, body: { [kind]: entity } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body[kind];
}

test('groups: create, show, update, list with filters, delete', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const g = await create(cloud, 'group', { name: ' Devs ', colour: 'blue' });
  assert.deepEqual(
    { ...g, links: undefined },
    { id: g.id, name: 'Devs', domain_id: 'default', description: '', colour: 'blue', links: undefined },
  );
  assert.match(g.links.self, new RegExp(`/identity/v3/groups/${g.id}$`));
  const ops = await create(cloud, 'group', { name: 'ops', description: 'on call' });

  const shown = await cloud.call('GET', `${G}/${g.id}`, { token });
  assert.deepEqual(shown.body.group, g);
  assert.equal((await cloud.call('HEAD', `${G}/${g.id}`, { token })).status, 200);

  const upd = await cloud.call('PATCH', `${G}/${g.id}`, {
    token,
    body: { group: { id: g.id, description: 'builders', size: 3 } },
  });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.group.name, 'Devs', 'untouched fields stay');
  assert.equal(upd.body.group.description, 'builders');
  assert.equal(upd.body.group.colour, 'blue');
  assert.equal(upd.body.group.size, 3);

  const ids = async (query: string) =>
    (await cloud.call('GET', `${G}${query}`, { token })).body.groups.map((x: { id: string }) => x.id).sort();
  assert.deepEqual(await ids(''), [g.id, ops.id].sort());
  assert.deepEqual(await ids('?name=ops'), [ops.id]);
  assert.deepEqual(await ids('?name__icontains=DEV'), [g.id]);
  assert.deepEqual(await ids('?domain_id=default&name__startswith=o'), [ops.id]);
  assert.deepEqual(await ids('?domain_id=elsewhere'), []);

  assert.equal((await cloud.call('DELETE', `${G}/${g.id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${G}/${g.id}`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${G}/${g.id}`, { token })).status, 404);
});

test('groups: bad input is 400, duplicates 409, unknown domain 404', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const cases: [string, unknown][] = [
    ['no group key', {}],
    ['no name', { group: { description: 'x' } }],
    ['blank name', { group: { name: ' ' } }],
    ['name too long', { group: { name: 'g'.repeat(65) } }],
    ['description not text', { group: { name: 'g', description: 7 } }],
    ['bad domain id', { group: { name: 'g', domain_id: '' } }],
  ];
  for (const [name, body] of cases) {
    const res = await cloud.call('POST', G, { token, body });
    assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
  }
  const g = await create(cloud, 'group', { name: 'same' });
  assert.equal((await cloud.call('POST', G, { token, body: { group: { name: 'same' } } })).status, 409);
  const other = await create(cloud, 'group', { name: 'other' });
  assert.equal(
    (await cloud.call('PATCH', `${G}/${other.id}`, { token, body: { group: { name: 'same' } } })).status,
    409,
  );
  assert.equal((await cloud.call('POST', G, { token, body: { group: { name: 'x', domain_id: 'f00d' } } })).status, 404);
  for (const body of [{ group: {} }, { group: { id: 'abc' } }, { group: { domain_id: 'other' } }]) {
    assert.equal((await cloud.call('PATCH', `${G}/${g.id}`, { token, body })).status, 400, JSON.stringify(body));
  }
  assert.equal((await cloud.call('PATCH', `${G}/f00d`, { token, body: { group: { name: 'n' } } })).status, 404);
});

test('groups: membership add, check, list, remove', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const g = await create(cloud, 'group', { name: 'team' });
  const users = [];
  for (const name of ['ann', 'ben', 'cat']) users.push(await create(cloud, 'user', { name, email: `${name}@x.org` }));
  for (const u of users) {
    assert.equal((await cloud.call('PUT', `${G}/${g.id}/users/${u.id}`, { token })).status, 204);
  }
  assert.equal((await cloud.call('PUT', `${G}/${g.id}/users/${users[0].id}`, { token })).status, 204, 'idempotent');

  const list = await cloud.call('GET', `${G}/${g.id}/users`, { token });
  assert.equal(list.status, 200);
  // Tempest compares the created users with the listed ones, field for field.
  assert.deepEqual(list.body.users, users);
  const names = async (query: string) =>
    (await cloud.call('GET', `${G}/${g.id}/users${query}`, { token })).body.users.map((u: { name: string }) => u.name);
  assert.deepEqual(await names('?name=ben'), ['ben']);
  assert.deepEqual(await names('?name__contains=a'), ['ann', 'cat']);
  assert.deepEqual(await names('?enabled=false'), []);
  assert.equal((await cloud.call('GET', `${G}/${g.id}/users?password_expires_at=zz:1`, { token })).status, 400);

  assert.equal((await cloud.call('HEAD', `${G}/${g.id}/users/${users[1].id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${G}/${g.id}/users/${users[1].id}`, { token })).status, 204);
  assert.equal((await cloud.call('DELETE', `${G}/${g.id}/users/${users[1].id}`, { token })).status, 204);
  assert.equal((await cloud.call('HEAD', `${G}/${g.id}/users/${users[1].id}`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${G}/${g.id}/users/${users[1].id}`, { token })).status, 404);
  assert.deepEqual(await names(''), ['ann', 'cat']);

  for (const [method, path] of [
    ['PUT', `${G}/f00d/users/${users[0].id}`],
    ['PUT', `${G}/${g.id}/users/f00d`],
    ['HEAD', `${G}/f00d/users/${users[0].id}`],
    ['DELETE', `${G}/${g.id}/users/f00d`],
    ['GET', `${G}/f00d/users`],
  ]) {
    assert.equal((await cloud.call(method, path, { token })).status, 404, `${method} ${path}`);
  }

  // Deleting the group ends its memberships.
  assert.equal((await cloud.call('DELETE', `${G}/${g.id}`, { token })).status, 204);
  const left = await cloud.call('GET', `/identity/v3/users/${users[0].id}/groups`, { token });
  assert.deepEqual(left.body.groups, []);
});

test('groups: removing a member revokes their tokens; plain users may not manage groups', async (t) => {
  const cloud = await startCloud(t);
  const admin = cloud.adminToken;
  const g = await create(cloud, 'group', { name: 'crew' });
  const u = await create(cloud, 'user', { name: 'dave', password: 'pw-dave' });
  await cloud.call('PUT', `${G}/${g.id}/users/${u.id}`, { token: admin });
  const { token } = await cloud.login('dave', 'pw-dave');

  const expect = async (method: string, path: string, status: number, body?: unknown) => {
    const res = await cloud.call(method, path, { token, body });
    assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
  };
  await expect('GET', G, 403);
  await expect('POST', G, 403, { group: { name: 'mine' } });
  await expect('GET', `${G}/${g.id}`, 403);
  await expect('PATCH', `${G}/${g.id}`, 403, { group: { name: 'x' } });
  await expect('DELETE', `${G}/${g.id}`, 403);
  await expect('GET', `${G}/${g.id}/users`, 403);
  await expect('HEAD', `${G}/${g.id}/users/${u.id}`, 403);
  await expect('PUT', `${G}/${g.id}/users/${u.id}`, 403);
  await expect('DELETE', `${G}/${g.id}/users/${u.id}`, 403);
  await expect('GET', `/identity/v3/users/${u.id}/groups`, 200);

  // Fernet issue times are whole seconds; revocation covers tokens from earlier seconds.
  await sleep(1100);
  assert.equal((await cloud.call('DELETE', `${G}/${g.id}/users/${u.id}`, { token: admin })).status, 204);
  assert.equal((await cloud.call('GET', `/identity/v3/users/${u.id}`, { token })).status, 401);
});

test('groups: deleting a group with roles revokes its members tokens and removes its grants', async (t) => {
  const cloud = await startCloud(t);
  const admin = cloud.adminToken;
  const roles = (await cloud.call('GET', '/identity/v3/roles', { token: admin })).body.roles;
  const member = roles.find((r: { name: string }) => r.name === 'member').id;
  const project = (await cloud.call('GET', '/identity/v3/projects?name=admin', { token: admin })).body.projects[0];
  const withRoles = await create(cloud, 'group', { name: 'with-roles' });
  const bare = await create(cloud, 'group', { name: 'bare' });
  const u = await create(cloud, 'user', { name: 'eve', password: 'pw-eve' });
  for (const g of [withRoles, bare]) await cloud.call('PUT', `${G}/${g.id}/users/${u.id}`, { token: admin });
  const grant = `/identity/v3/projects/${project.id}/groups/${withRoles.id}/roles/${member}`;
  assert.equal((await cloud.call('PUT', grant, { token: admin })).status, 204);
  const { token } = await cloud.login('eve', 'pw-eve', { project: { id: project.id } });
  const valid = async () => (await cloud.call('GET', `/identity/v3/users/${u.id}`, { token })).status;

  await sleep(1100);
  assert.equal((await cloud.call('DELETE', `${G}/${bare.id}`, { token: admin })).status, 204);
  assert.equal(await valid(), 200, 'a group without roles leaves tokens alone');
  assert.equal((await cloud.call('DELETE', `${G}/${withRoles.id}`, { token: admin })).status, 204);
  assert.equal(await valid(), 401);
  await assert.rejects(cloud.login('eve', 'pw-eve', { project: { id: project.id } }), 'the grant went with the group');
});
