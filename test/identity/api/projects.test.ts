import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';

const V3 = '/identity/v3';

async function mk(cloud: TestCloud, project: Record<string, unknown>) {
  const res = await cloud.call('POST', `${V3}/projects`, { token: cloud.adminToken, body: { project } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.project;
}

const ids = (list: { id: string }[]) => list.map((p) => p.id).sort();

test('projects: create, show equals list, update, delete', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const p = await mk(cloud, {
    name: 'alpha',
    description: 'first',
    tags: ['a', 'c', 'b'],
    colour: 'blue',
    id: 'ignored',
  });
  assert.notEqual(p.id, 'ignored', 'Keystone ignores a client-chosen id');
  assert.equal(p.domain_id, 'default');
  assert.equal(p.parent_id, 'default', 'a top-level project hangs under its domain');
  assert.equal(p.is_domain, false);
  assert.equal(p.enabled, true);
  assert.equal(p.colour, 'blue');
  assert.deepEqual(p.options, {});
  assert.deepEqual([...p.tags].sort(), ['a', 'b', 'c']);
  assert.match(p.links.self, new RegExp(`/identity/v3/projects/${p.id}$`));

  const shown = (await cloud.call('GET', `${V3}/projects/${p.id}`, { token })).body.project;
  const listed = (await cloud.call('GET', `${V3}/projects`, { token })).body.projects.find(
    (x: { id: string }) => x.id === p.id,
  );
  assert.deepEqual(shown, listed);
  assert.deepEqual(shown, p);
  assert.equal((await cloud.call('HEAD', `${V3}/projects/${p.id}`, { token })).status, 200);
  assert.equal((await cloud.call('HEAD', `${V3}/projects`, { token })).status, 200);

  const upd = await cloud.call('PATCH', `${V3}/projects/${p.id}`, {
    token,
    body: { project: { name: 'alpha2', description: null, enabled: false, tags: ['z'], size: 3 } },
  });
  assert.equal(upd.status, 200, JSON.stringify(upd.body));
  assert.equal(upd.body.project.name, 'alpha2');
  assert.equal(upd.body.project.description, null);
  assert.equal(upd.body.project.enabled, false);
  assert.deepEqual(upd.body.project.tags, ['z']);
  assert.equal(upd.body.project.colour, 'blue');
  assert.equal(upd.body.project.size, 3);
  assert.deepEqual((await cloud.call('GET', `${V3}/projects/${p.id}`, { token })).body.project, upd.body.project);

  assert.equal((await cloud.call('DELETE', `${V3}/projects/${p.id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${V3}/projects/${p.id}`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${V3}/projects/${p.id}`, { token })).status, 404);
});

test('projects: bad input is 400, a taken name 409, an unknown id 404', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const cases: { name: string; body: unknown }[] = [
    { name: 'empty name', body: { project: { name: '' } } },
    { name: 'name over 64', body: { project: { name: 'a'.repeat(65) } } },
    { name: 'no name', body: { project: { description: 'x' } } },
    { name: 'enabled as string', body: { project: { name: 'x', enabled: 'true' } } },
    { name: 'bad domain_id characters', body: { project: { name: 'x', domain_id: 'a b' } } },
    { name: 'tag with comma', body: { project: { name: 'x', tags: ['a,b'] } } },
    { name: 'duplicate tags', body: { project: { name: 'x', tags: ['a', 'a'] } } },
    { name: '81 tags', body: { project: { name: 'x', tags: Array.from({ length: 81 }, (_, i) => `t${i}`) } } },
    { name: 'unknown domain', body: { project: { name: 'x', domain_id: 'nope' } } },
    { name: 'unknown parent', body: { project: { name: 'x', parent_id: 'nope' } } },
    { name: 'unknown option', body: { project: { name: 'x', options: { sticky: true } } } },
  ];
  for (const c of cases) {
    const res = await cloud.call('POST', `${V3}/projects`, { token, body: c.body });
    assert.equal(res.status, 400, `${c.name}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, 400, c.name);
  }

  await mk(cloud, { name: 'taken' });
  const dup = await cloud.call('POST', `${V3}/projects`, { token, body: { project: { name: 'taken' } } });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.title, 'Conflict');
  // Names are unique per domain only.
  const other = (await cloud.call('POST', `${V3}/domains`, { token, body: { domain: { name: 'other' } } })).body.domain;
  await mk(cloud, { name: 'taken', domain_id: other.id });

  const p = await mk(cloud, { name: 'p' });
  const patches: [unknown, number][] = [
    [{ project: {} }, 400],
    [{ project: { id: 'different' } }, 400],
    [{ project: { domain_id: other.id } }, 400],
    [{ project: { is_domain: true } }, 400],
    [{ project: { parent_id: other.id } }, 403],
    [{ project: { name: 'taken' } }, 409],
  ];
  for (const [body, status] of patches) {
    const res = await cloud.call('PATCH', `${V3}/projects/${p.id}`, { token, body });
    assert.equal(res.status, status, JSON.stringify(body));
  }
  assert.equal(
    (
      await cloud.call('PATCH', `${V3}/projects/${p.id}`, {
        token,
        body: { project: { id: p.id, domain_id: 'default' } },
      })
    ).status,
    200,
  );
  const missing = '0123456789abcdef0123456789abcdef';
  assert.equal((await cloud.call('GET', `${V3}/projects/${missing}`, { token })).status, 404);
  assert.equal(
    (await cloud.call('PATCH', `${V3}/projects/${missing}`, { token, body: { project: { name: 'z' } } })).status,
    404,
  );
});

test('projects: 50 parallel creates all succeed; racing for one name, exactly one wins', async (t) => {
  const cloud = await startCloud(t);
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      cloud.call('POST', `${V3}/projects`, {
        token: cloud.adminToken,
        body: { project: { name: `par-${i}`, tags: ['p'] } },
      }),
    ),
  );
  assert.deepEqual(
    results.map((r) => r.status),
    Array(50).fill(201),
    JSON.stringify(results.find((r) => r.status !== 201)?.body),
  );
  const listed = await cloud.call('GET', `${V3}/projects?tags=p`, { token: cloud.adminToken });
  assert.equal(listed.body.projects.length, 50);

  const race = await Promise.all(
    Array.from({ length: 10 }, () =>
      cloud.call('POST', `${V3}/projects`, { token: cloud.adminToken, body: { project: { name: 'same' } } }),
    ),
  );
  assert.deepEqual(race.map((r) => r.status).sort(), [201, ...Array(9).fill(409)]);
});

test('projects: hierarchy rules, parents and subtree views, depth limit', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const dom = (await cloud.call('POST', `${V3}/domains`, { token, body: { domain: { name: 'tree' } } })).body.domain;
  const root = await mk(cloud, { name: 'root', domain_id: dom.id });
  assert.equal(root.parent_id, dom.id);
  const a = await mk(cloud, { name: 'a', domain_id: dom.id, parent_id: root.id });
  // Only a parent given: the project lands in the parent's domain.
  const b = await mk(cloud, { name: 'b', parent_id: root.id });
  assert.equal(b.domain_id, dom.id);
  const a1 = await mk(cloud, { name: 'a1', parent_id: a.id });

  const cross = await cloud.call('POST', `${V3}/projects`, {
    token,
    body: { project: { name: 'x', domain_id: 'default', parent_id: root.id } },
  });
  assert.equal(cross.status, 400, 'the parent must be in the same domain');

  const get = async (id: string, q: string) =>
    (await cloud.call('GET', `${V3}/projects/${id}?${q}`, { token })).body.project;
  assert.deepEqual((await get(a1.id, 'parents_as_ids')).parents, { [a.id]: { [root.id]: { [dom.id]: null } } });
  assert.deepEqual((await get(root.id, 'subtree_as_ids')).subtree, { [a.id]: { [a1.id]: null }, [b.id]: null });
  assert.equal((await get(a1.id, 'subtree_as_ids')).subtree, null);
  // The list forms show only projects the caller holds a role on; the admin has none here.
  assert.deepEqual((await get(a1.id, 'parents_as_list')).parents, []);
  assert.deepEqual((await get(root.id, 'subtree_as_list')).subtree, []);
  const both = await cloud.call('GET', `${V3}/projects/${a1.id}?parents_as_list&parents_as_ids`, { token });
  assert.equal(both.status, 400);

  const byParent = await cloud.call('GET', `${V3}/projects?parent_id=${root.id}`, { token });
  assert.deepEqual(ids(byParent.body.projects), ids([a, b]));

  assert.equal((await cloud.call('DELETE', `${V3}/projects/${a.id}`, { token })).status, 403, 'not a leaf');
  const disableA = await cloud.call('PATCH', `${V3}/projects/${a.id}`, {
    token,
    body: { project: { enabled: false } },
  });
  assert.equal(disableA.status, 403, 'the subtree is still enabled');
  const off = { body: { project: { enabled: false } }, token };
  assert.equal((await cloud.call('PATCH', `${V3}/projects/${a1.id}`, off)).status, 200);
  assert.equal((await cloud.call('PATCH', `${V3}/projects/${a.id}`, off)).status, 200);
  const under = await cloud.call('POST', `${V3}/projects`, {
    token,
    body: { project: { name: 'u', parent_id: a.id } },
  });
  assert.equal(under.status, 400, 'no new project under a disabled one');
  const reenable = await cloud.call('PATCH', `${V3}/projects/${a1.id}`, {
    token,
    body: { project: { enabled: true } },
  });
  assert.equal(reenable.status, 403, 'parent is disabled');

  // Keystone's max_project_tree_depth is 5 levels below the domain.
  let parent = root.id;
  for (let depth = 2; depth <= 5; depth++) parent = (await mk(cloud, { name: `d${depth}`, parent_id: parent })).id;
  const tooDeep = await cloud.call('POST', `${V3}/projects`, {
    token,
    body: { project: { name: 'd6', parent_id: parent } },
  });
  assert.equal(tooDeep.status, 403);

  assert.equal((await cloud.call('DELETE', `${V3}/projects/${a1.id}`, { token })).status, 204);
  assert.equal((await cloud.call('DELETE', `${V3}/projects/${a.id}`, { token })).status, 204);
});

test('projects: list filters', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const dom = (await cloud.call('POST', `${V3}/domains`, { token, body: { domain: { name: 'f' } } })).body.domain;
  const web = await mk(cloud, { name: 'WebFront', tags: ['prod', 'web'] });
  const db = await mk(cloud, { name: 'database', tags: ['prod'] });
  const off = await mk(cloud, { name: 'old', enabled: false, tags: ['web'] });
  const elsewhere = await mk(cloud, { name: 'elsewhere', domain_id: dom.id });
  const list = async (q: string) => {
    const res = await cloud.call('GET', `${V3}/projects?${q}`, { token });
    assert.equal(res.status, 200, `${q}: ${JSON.stringify(res.body)}`);
    return ids(res.body.projects);
  };
  assert.deepEqual(await list(`domain_id=${dom.id}`), [elsewhere.id]);
  assert.deepEqual(await list('enabled=False'), [off.id]);
  assert.deepEqual(await list('name=database'), [db.id]);
  assert.deepEqual(await list('tags=prod,web'), [web.id]);
  assert.deepEqual(await list('tags-any=prod,web'), ids([web, db, off]));
  assert.deepEqual(
    (await list('not-tags=prod,web')).filter((id) => [web.id, db.id, off.id].includes(id)),
    ids([db, off]),
  );
  assert.deepEqual(
    (await list('not-tags-any=prod,web')).filter((id) => [web.id, db.id, off.id, elsewhere.id].includes(id)),
    [elsewhere.id],
  );
  assert.deepEqual(await list('name__icontains=webf'), [web.id]);
  assert.deepEqual(await list('name__contains=webf'), []);
  assert.ok((await list('is_domain=true')).includes(dom.id));
  const self = (await cloud.call('GET', `${V3}/projects?name=database`, { token })).body.links.self;
  assert.match(self, /\/identity\/v3\/projects\?name=database$/);
});

test('projects: tags sub-resource', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const p = await mk(cloud, { name: 'tagged' });
  const base = `${V3}/projects/${p.id}/tags`;
  const put = await cloud.call('PUT', `${base}/one`, { token, raw: '{}' });
  assert.equal(put.status, 201);
  assert.match(put.headers.get('location') ?? '', new RegExp(`/projects/${p.id}/tags/one$`));
  assert.equal((await cloud.call('GET', `${base}/one`, { token })).status, 204);
  assert.equal((await cloud.call('HEAD', `${base}/one`, { token })).status, 204);
  assert.equal((await cloud.call('PUT', `${base}/one`, { token })).status, 400, 'already there');

  const all = await cloud.call('PUT', base, { token, body: { tags: ['x', 'y', 'z'] } });
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.tags, ['x', 'y', 'z']);
  const listed = await cloud.call('GET', base, { token });
  assert.deepEqual([...listed.body.tags].sort(), ['x', 'y', 'z']);
  assert.match(listed.body.links.self, /\/tags$/);
  assert.equal((await cloud.call('GET', `${base}/one`, { token })).status, 404, 'replaced');

  assert.equal((await cloud.call('DELETE', `${base}/x`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${base}/x`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${base}/x`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', base, { token })).status, 204);
  assert.deepEqual((await cloud.call('GET', base, { token })).body.tags, []);

  for (const body of [{}, { tags: 'x' }, { tags: ['a/b'] }, { tags: ['a', 'a'] }, { tags: ['x'.repeat(256)] }])
    assert.equal((await cloud.call('PUT', base, { token, body })).status, 400, JSON.stringify(body));
  assert.equal((await cloud.call('PUT', `${base}/a,b`, { token })).status, 400);
  await cloud.call('PUT', base, { token, body: { tags: Array.from({ length: 80 }, (_, i) => `t${i}`) } });
  assert.equal((await cloud.call('PUT', `${base}/one-more`, { token })).status, 400, 'at most 80');
  assert.equal((await cloud.call('GET', `${V3}/projects/nope/tags`, { token })).status, 404);
});

test('projects: the immutable option blocks changes until it is turned off alone', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const p = await mk(cloud, { name: 'frozen', options: { immutable: true } });
  assert.deepEqual(p.options, { immutable: true });
  assert.equal(
    (await cloud.call('PATCH', `${V3}/projects/${p.id}`, { token, body: { project: { name: 'n' } } })).status,
    403,
  );
  assert.equal((await cloud.call('DELETE', `${V3}/projects/${p.id}`, { token })).status, 403);
  assert.equal((await cloud.call('PUT', `${V3}/projects/${p.id}/tags/t`, { token })).status, 403);
  const both = { project: { name: 'n', options: { immutable: false } } };
  assert.equal((await cloud.call('PATCH', `${V3}/projects/${p.id}`, { token, body: both })).status, 403);
  const thaw = await cloud.call('PATCH', `${V3}/projects/${p.id}`, {
    token,
    body: { project: { options: { immutable: null } } },
  });
  assert.equal(thaw.status, 200);
  assert.deepEqual(thaw.body.project.options, {});
  assert.equal((await cloud.call('DELETE', `${V3}/projects/${p.id}`, { token })).status, 204);
});

test('projects: non-admins are refused; disabling or deleting a project revokes its tokens', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const p = await mk(cloud, { name: 'mine' });
  const user = await cloud.call('POST', `${V3}/users`, {
    token,
    body: { user: { name: 'member', password: 'member-pw-1', default_project_id: p.id } },
  });
  assert.equal(user.status, 201);
  const unscoped = await cloud.login('member', 'member-pw-1');
  for (const [method, path, body] of [
    ['GET', `${V3}/projects`, undefined],
    ['POST', `${V3}/projects`, { project: { name: 'nope' } }],
    ['PATCH', `${V3}/projects/${p.id}`, { project: { name: 'nope' } }],
    ['DELETE', `${V3}/projects/${p.id}`, undefined],
    ['GET', `${V3}/projects/${p.id}`, undefined],
    ['PUT', `${V3}/projects/${p.id}/tags/x`, undefined],
  ] as const) {
    const res = await cloud.call(method, path, { token: unscoped.token, body });
    assert.equal(res.status, 403, `${method} ${path}`);
  }

  const roles = (
    await cloud.login('admin', cloud.adminPassword, { project: { name: 'admin', domain: { name: 'Default' } } })
  ).body.roles as { id: string; name: string }[];
  const member = roles.find((r) => r.name === 'member');
  assert.ok(member);
  const grant = await cloud.call('PUT', `${V3}/projects/${p.id}/users/${user.body.user.id}/roles/${member.id}`, {
    token,
  });
  assert.equal(grant.status, 204);
  const scoped = await cloud.login('member', 'member-pw-1', { project: { id: p.id } });
  const mine = await cloud.call('GET', `${V3}/projects/${p.id}?parents_as_list&subtree_as_list`, {
    token: scoped.token,
  });
  assert.equal(mine.status, 200, 'a member may read its own project');
  assert.deepEqual(mine.body.project.parents, [], 'the domain is never listed');
  assert.equal((await cloud.call('GET', `${V3}/projects`, { token: scoped.token })).status, 403);
  assert.equal((await cloud.call('DELETE', `${V3}/projects/${p.id}`, { token: scoped.token })).status, 403);
  assert.equal((await cloud.call('GET', `${V3}/projects/${p.id}/tags`, { token: scoped.token })).status, 200);

  const off = await cloud.call('PATCH', `${V3}/projects/${p.id}`, { token, body: { project: { enabled: false } } });
  assert.equal(off.status, 200);
  assert.equal((await cloud.call('GET', `${V3}/projects/${p.id}`, { token: scoped.token })).status, 401);
  assert.equal((await cloud.call('DELETE', `${V3}/projects/${p.id}`, { token })).status, 204);
  const after = await cloud.call('GET', `${V3}/users/${user.body.user.id}`, { token });
  assert.equal(after.body.user.default_project_id ?? null, null, "the user's default project is unset");
});
