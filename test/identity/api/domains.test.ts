import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';

const V3 = '/identity/v3';

async function createDomain(cloud: TestCloud, domain: Record<string, unknown>) {
  const res = await cloud.call('POST', `${V3}/domains`, { token: cloud.adminToken, body: { domain } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.domain;
}

test('domains: create, show, list with filters, update, refuse to delete while enabled, delete', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const d = await createDomain(cloud, { name: 'dom-a', colour: 'blue', 'x-y': 1 });
  assert.deepEqual(Object.keys(d).sort(), [
    'colour',
    'description',
    'enabled',
    'id',
    'links',
    'name',
    'options',
    'tags',
    'x_y',
  ]);
  assert.equal(d.description, '');
  assert.equal(d.enabled, true);
  assert.deepEqual(d.tags, []);
  assert.deepEqual(d.options, {});
  assert.match(d.links.self, new RegExp(`/identity/v3/domains/${d.id}$`));
  const off = await createDomain(cloud, { name: 'dom-b', enabled: false, description: 'second', tags: ['t1'] });

  const shown = await cloud.call('GET', `${V3}/domains/${d.id}`, { token });
  assert.equal(shown.status, 200);
  assert.deepEqual(shown.body.domain, d);
  assert.equal((await cloud.call('HEAD', `${V3}/domains/${d.id}`, { token })).status, 200);

  const all = await cloud.call('GET', `${V3}/domains`, { token });
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.links.previous, null);
  const ids = all.body.domains.map((x: { id: string }) => x.id);
  for (const id of ['default', d.id, off.id]) assert.ok(ids.includes(id), id);
  assert.deepEqual(
    all.body.domains.find((x: { id: string }) => x.id === d.id),
    d,
    'list shows exactly what create returned',
  );

  const byName = await cloud.call('GET', `${V3}/domains?name=dom-a`, { token });
  assert.deepEqual(
    byName.body.domains.map((x: { id: string }) => x.id),
    [d.id],
  );
  const enabled = await cloud.call('GET', `${V3}/domains?enabled=True`, { token });
  assert.ok(enabled.body.domains.every((x: { enabled: boolean }) => x.enabled));
  assert.ok(!enabled.body.domains.some((x: { id: string }) => x.id === off.id));
  const disabled = await cloud.call('GET', `${V3}/domains?enabled=false`, { token });
  assert.deepEqual(
    disabled.body.domains.map((x: { id: string }) => x.id),
    [off.id],
  );

  const upd = await cloud.call('PATCH', `${V3}/domains/${d.id}`, {
    token,
    body: { domain: { name: 'dom-a2', description: 'new', enabled: false, colour: 'red' } },
  });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.domain.name, 'dom-a2');
  assert.equal(upd.body.domain.description, 'new');
  assert.equal(upd.body.domain.enabled, false);
  assert.equal(upd.body.domain.colour, 'red');
  assert.equal(upd.body.domain.x_y, 1, 'free-form attributes merge');

  const active = await createDomain(cloud, { name: 'dom-c' });
  const refused = await cloud.call('DELETE', `${V3}/domains/${active.id}`, { token });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 403);

  assert.equal((await cloud.call('DELETE', `${V3}/domains/${d.id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${V3}/domains/${d.id}`, { token })).status, 404);
  const after = await cloud.call('GET', `${V3}/domains`, { token });
  assert.ok(!after.body.domains.some((x: { id: string }) => x.id === d.id));
});

test('domains: bad input is 400, duplicates 409, unknown ids 404', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const cases: { name: string; body: unknown }[] = [
    { name: 'empty name', body: { domain: { name: '' } } },
    { name: 'name over 64', body: { domain: { name: 'a'.repeat(65) } } },
    { name: 'blank name', body: { domain: { name: '   ' } } },
    { name: 'no name', body: { domain: { description: 'x' } } },
    { name: 'no domain key', body: { name: 'x' } },
    { name: 'enabled not boolean', body: { domain: { name: 'x', enabled: 'yes' } } },
    { name: 'tag with slash', body: { domain: { name: 'x', tags: ['a/b'] } } },
    { name: 'unknown option', body: { domain: { name: 'x', options: { colour: true } } } },
    { name: 'explicit id not a uuid hex', body: { domain: { name: 'x', explicit_domain_id: 'my-domain' } } },
  ];
  for (const c of cases) {
    const res = await cloud.call('POST', `${V3}/domains`, { token, body: c.body });
    assert.equal(res.status, 400, c.name);
    assert.equal(res.body.error.code, 400, c.name);
  }
  assert.equal((await cloud.call('POST', `${V3}/domains`, { token, raw: '{"domain":' })).status, 400);

  await createDomain(cloud, { name: 'twice' });
  const dup = await cloud.call('POST', `${V3}/domains`, { token, body: { domain: { name: 'twice' } } });
  assert.equal(dup.status, 409);
  const d = await createDomain(cloud, { name: 'patched' });
  assert.equal((await cloud.call('PATCH', `${V3}/domains/${d.id}`, { token, body: { domain: {} } })).status, 400);
  assert.equal(
    (await cloud.call('PATCH', `${V3}/domains/${d.id}`, { token, body: { domain: { name: 'twice' } } })).status,
    409,
  );

  const missing = '0123456789abcdef0123456789abcdef';
  for (const method of ['GET', 'DELETE'])
    assert.equal((await cloud.call(method, `${V3}/domains/${missing}`, { token })).status, 404);
  assert.equal(
    (await cloud.call('PATCH', `${V3}/domains/${missing}`, { token, body: { domain: { enabled: false } } })).status,
    404,
  );
  // A project is not a domain.
  const admin = (await cloud.call('GET', `${V3}/projects?name=admin`, { token })).body.projects[0];
  assert.equal((await cloud.call('GET', `${V3}/domains/${admin.id}`, { token })).status, 404);
});

test('domains: explicit_domain_id is used and not echoed', async (t) => {
  const cloud = await startCloud(t);
  const id = 'aaaabbbbccccddddeeeeffff00001111';
  const d = await createDomain(cloud, { name: 'explicit', explicit_domain_id: id });
  assert.equal(d.id, id);
  assert.equal(d.explicit_domain_id, undefined);
  const again = await cloud.call('POST', `${V3}/domains`, {
    token: cloud.adminToken,
    body: { domain: { name: 'other', explicit_domain_id: id } },
  });
  assert.equal(again.status, 409);
});

test('domains: deleting a domain removes its projects, users, groups, roles and grants in one go', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const d = await createDomain(cloud, { name: 'doomed' });
  const mk = async (body: Record<string, unknown>) => {
    const res = await cloud.call('POST', `${V3}/projects`, { token, body: { project: body } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.project;
  };
  const top = await mk({ name: 'top', domain_id: d.id, tags: ['x'] });
  const leaf = await mk({ name: 'leaf', domain_id: d.id, parent_id: top.id });
  const user = await cloud.call('POST', `${V3}/users`, { token, body: { user: { name: 'u', domain_id: d.id } } });
  assert.equal(user.status, 201);
  const group = await cloud.call('POST', `${V3}/groups`, { token, body: { group: { name: 'g', domain_id: d.id } } });
  assert.equal(group.status, 201);
  const role = await cloud.call('POST', `${V3}/roles`, { token, body: { role: { name: 'local', domain_id: d.id } } });
  assert.equal(role.status, 201);
  const userId = user.body.user.id;
  const grant = `${V3}/projects/${leaf.id}/users/${userId}/roles/${role.body.role.id}`;
  assert.equal((await cloud.call('PUT', grant, { token })).status, 204);

  const off = await cloud.call('PATCH', `${V3}/domains/${d.id}`, { token, body: { domain: { enabled: false } } });
  assert.equal(off.status, 200);
  assert.equal((await cloud.call('DELETE', `${V3}/domains/${d.id}`, { token })).status, 204);
  for (const p of [top, leaf]) assert.equal((await cloud.call('GET', `${V3}/projects/${p.id}`, { token })).status, 404);
  assert.equal((await cloud.call('GET', `${V3}/users/${userId}`, { token })).status, 404);
  assert.equal((await cloud.call('GET', `${V3}/groups/${group.body.group.id}`, { token })).status, 404);
  assert.equal((await cloud.call('GET', `${V3}/roles/${role.body.role.id}`, { token })).status, 404);
  // The name is free again.
  await createDomain(cloud, { name: 'doomed' });
});

test('domains: a domain created through /v3/projects with is_domain is a domain everywhere', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const res = await cloud.call('POST', `${V3}/projects`, {
    token,
    body: { project: { name: 'as-project', domain_id: null, is_domain: true } },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const p = res.body.project;
  assert.equal(p.is_domain, true);
  assert.equal(p.domain_id, null);
  assert.equal(p.parent_id, null);
  const doms = (await cloud.call('GET', `${V3}/domains`, { token })).body.domains;
  assert.ok(doms.some((x: { id: string }) => x.id === p.id));
  const asProjects = (await cloud.call('GET', `${V3}/projects?is_domain=True`, { token })).body.projects;
  assert.ok(asProjects.some((x: { id: string }) => x.id === p.id));
  const plain = (await cloud.call('GET', `${V3}/projects`, { token })).body.projects;
  assert.ok(!plain.some((x: { id: string }) => x.id === p.id), 'domains are not listed as projects by default');

  // Keystone refuses is_domain with a parent or domain.
  const nested = await cloud.call('POST', `${V3}/projects`, {
    token,
    body: { project: { name: 'nested', is_domain: true, domain_id: 'default' } },
  });
  assert.equal(nested.status, 400);

  assert.equal((await cloud.call('DELETE', `${V3}/projects/${p.id}`, { token })).status, 403, 'still enabled');
  const off = await cloud.call('PATCH', `${V3}/projects/${p.id}`, { token, body: { project: { enabled: false } } });
  assert.equal(off.status, 200);
  assert.equal((await cloud.call('DELETE', `${V3}/projects/${p.id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${V3}/domains/${p.id}`, { token })).status, 404);
});

test('domains: disabling a domain revokes tokens scoped to it; non-admins may not manage domains', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const d = await createDomain(cloud, { name: 'scoped' });
  const user = await cloud.call('POST', `${V3}/users`, {
    token,
    body: { user: { name: 'plain', domain_id: d.id, password: 'secret-pw-1' } },
  });
  assert.equal(user.status, 201);
  const plain = await cloud.login('plain', 'secret-pw-1', undefined, 'scoped');
  for (const [method, path, body] of [
    ['GET', `${V3}/domains`, undefined],
    ['POST', `${V3}/domains`, { domain: { name: 'nope' } }],
    ['PATCH', `${V3}/domains/${d.id}`, { domain: { name: 'nope' } }],
    ['DELETE', `${V3}/domains/${d.id}`, undefined],
  ] as const) {
    const res = await cloud.call(method, path, { token: plain.token, body });
    assert.equal(res.status, 403, `${method} ${path}`);
  }

  const roles = (
    await cloud.login('admin', cloud.adminPassword, { project: { name: 'admin', domain: { name: 'Default' } } })
  ).body.roles as { id: string; name: string }[];
  const reader = roles.find((r) => r.name === 'reader');
  assert.ok(reader);
  const grant = await cloud.call('PUT', `${V3}/domains/${d.id}/users/${user.body.user.id}/roles/${reader.id}`, {
    token,
  });
  assert.equal(grant.status, 204);
  const inside = await cloud.call('POST', `${V3}/projects`, {
    token,
    body: { project: { name: 'in', domain_id: d.id } },
  });
  assert.equal(inside.status, 201);
  const scoped = await cloud.login('plain', 'secret-pw-1', { domain: { id: d.id } }, 'scoped');
  assert.equal((await cloud.call('GET', `${V3}/domains/${d.id}`, { token: scoped.token })).status, 200);
  assert.equal((await cloud.call('GET', `${V3}/domains/default`, { token: scoped.token })).status, 403);
  // A domain reader lists its own domain and its projects, nothing else.
  const doms = await cloud.call('GET', `${V3}/domains`, { token: scoped.token });
  assert.equal(doms.status, 200);
  assert.deepEqual(
    doms.body.domains.map((x: { id: string }) => x.id),
    [d.id],
  );
  const projects = await cloud.call('GET', `${V3}/projects`, { token: scoped.token });
  assert.equal(projects.status, 200);
  assert.deepEqual(
    projects.body.projects.map((x: { id: string }) => x.id),
    [inside.body.project.id],
  );
  assert.equal(
    (await cloud.call('POST', `${V3}/projects`, { token: scoped.token, body: { project: { name: 'x' } } })).status,
    403,
    'a reader may not create projects',
  );

  const off = await cloud.call('PATCH', `${V3}/domains/${d.id}`, { token, body: { domain: { enabled: false } } });
  assert.equal(off.status, 200);
  assert.equal((await cloud.call('GET', `${V3}/domains/${d.id}`, { token: scoped.token })).status, 401);
});
