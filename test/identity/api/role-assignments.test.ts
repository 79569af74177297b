import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type SeededCloud, startSeededCloud } from '../role-grant-fixtures.ts';

const V3 = '/identity/v3';

/** domain ⊃ parent ⊃ child ⊃ grandchild, a user in a group with one more member, roles r1 ⇒ r2. */
async function world(s: SeededCloud) {
  const { cloud, token } = s;
  const domain = await s.domain();
  const parent = await s.project({ domainId: domain });
  const child = await s.project({ domainId: domain, parentId: parent });
  const grandchild = await s.project({ domainId: domain, parentId: child });
  const user = await s.user({ domainId: domain });
  const user2 = await s.user({ domainId: domain });
  const group = await s.group({ domainId: domain });
  await s.addToGroup(group, user);
  await s.addToGroup(group, user2);
  const role = async (name: string, domain_id?: string) =>
    (await cloud.call('POST', `${V3}/roles`, { token, body: { role: { name, domain_id } } })).body.role.id as string;
  const r = {
    r1: await role('r1'),
    r2: await role('r2'),
    r3: await role('r3'),
    r4: await role('r4'),
    r5: await role('r5'),
    dr: await role('dr', domain),
  };
  const put = async (path: string) =>
    assert.equal((await cloud.call('PUT', `${V3}${path}`, { token })).status, path.includes('/implies/') ? 201 : 204);
  await put(`/roles/${r.r1}/implies/${r.r2}`);
  await put(`/roles/${r.dr}/implies/${r.r3}`);
  return { domain, parent, child, grandchild, user, user2, group, r, put };
}

const list = async (s: SeededCloud, query: string) => {
  const res = await s.cloud.call('GET', `${V3}/role_assignments?${query}`, { token: s.token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.role_assignments as any[];
};
const summary = (as: any[]) =>
  as
    .map(
      (a) =>
        `${a.user ? `u:${a.user.id}` : `g:${a.group.id}`} ${a.role.id} ${
          a.scope.project ? `p:${a.scope.project.id}` : a.scope.domain ? `d:${a.scope.domain.id}` : 'system'
        }${a.scope['OS-INHERIT:inherited_to'] ? ' inherited' : ''}`,
    )
    .sort();

test('role assignments: the stored grants, filtered, in Keystone shape', async (t) => {
  const s = await startSeededCloud(t);
  const w = await world(s);
  await w.put(`/projects/${w.parent}/users/${w.user}/roles/${w.r.r1}`);
  await w.put(`/domains/${w.domain}/groups/${w.group}/roles/${w.r.r3}`);
  await w.put(`/OS-INHERIT/domains/${w.domain}/users/${w.user}/roles/${w.r.r4}/inherited_to_projects`);
  await w.put(`/system/users/${w.user}/roles/${w.r.r5}`);

  const mine = await list(s, `user.id=${w.user}`);
  assert.deepEqual(
    summary(mine),
    [
      `u:${w.user} ${w.r.r1} p:${w.parent}`,
      `u:${w.user} ${w.r.r4} d:${w.domain} inherited`,
      `u:${w.user} ${w.r.r5} system`,
    ].sort(),
  );
  const base = s.cloud.authUrl;
  assert.deepEqual(
    mine.find((a) => a.role.id === w.r.r1),
    {
      links: { assignment: `${base}/projects/${w.parent}/users/${w.user}/roles/${w.r.r1}` },
      scope: { project: { id: w.parent } },
      user: { id: w.user },
      role: { id: w.r.r1 },
    },
  );
  assert.deepEqual(mine.find((a) => a.role.id === w.r.r4).links, {
    assignment: `${base}/OS-INHERIT/domains/${w.domain}/users/${w.user}/roles/${w.r.r4}/inherited_to_projects`,
  });
  assert.deepEqual(mine.find((a) => a.role.id === w.r.r5).scope, { system: { all: true } });

  assert.deepEqual(
    summary(await list(s, 'scope.system=all')).filter((x) => x.startsWith(`u:${w.user}`)),
    [`u:${w.user} ${w.r.r5} system`],
  );
  assert.deepEqual(
    summary(await list(s, `scope.domain.id=${w.domain}`)),
    [`g:${w.group} ${w.r.r3} d:${w.domain}`, `u:${w.user} ${w.r.r4} d:${w.domain} inherited`].sort(),
  );
  assert.deepEqual(summary(await list(s, `group.id=${w.group}`)), [`g:${w.group} ${w.r.r3} d:${w.domain}`]);
  assert.deepEqual(summary(await list(s, `role.id=${w.r.r1}`)), [`u:${w.user} ${w.r.r1} p:${w.parent}`]);
  assert.deepEqual(summary(await list(s, `user.id=${w.user}&scope.OS-INHERIT:inherited_to=projects`)), [
    `u:${w.user} ${w.r.r4} d:${w.domain} inherited`,
  ]);
  assert.deepEqual(summary(await list(s, `scope.project.id=${w.child}`)), []);

  const named = await list(s, `role.id=${w.r.r1}&include_names`);
  const domainName = named[0].scope.project.domain.name;
  assert.match(domainName, /^domain-/);
  assert.deepEqual(named[0].scope.project.domain, { id: w.domain, name: domainName });
  assert.equal(typeof named[0].scope.project.name, 'string');
  assert.deepEqual(named[0].user.domain, { id: w.domain, name: domainName });
  assert.deepEqual(named[0].role, { id: w.r.r1, name: 'r1' });
});

test('role assignments: effective expands groups, inheritance and implied roles, and drops domain roles', async (t) => {
  const s = await startSeededCloud(t);
  const w = await world(s);
  const base = s.cloud.authUrl;
  await w.put(`/projects/${w.parent}/users/${w.user}/roles/${w.r.r1}`);
  await w.put(`/OS-INHERIT/domains/${w.domain}/users/${w.user}/roles/${w.r.r4}/inherited_to_projects`);
  await w.put(`/OS-INHERIT/projects/${w.parent}/groups/${w.group}/roles/${w.r.r5}/inherited_to_projects`);
  await w.put(`/projects/${w.child}/users/${w.user}/roles/${w.r.dr}`);

  assert.deepEqual(
    summary(await list(s, `effective&user.id=${w.user}&scope.project.id=${w.parent}`)),
    [
      `u:${w.user} ${w.r.r1} p:${w.parent}`,
      `u:${w.user} ${w.r.r2} p:${w.parent}`,
      `u:${w.user} ${w.r.r4} p:${w.parent} inherited`,
    ].sort(),
  );
  const implied = (await list(s, `effective&user.id=${w.user}&role.id=${w.r.r2}`))[0];
  assert.deepEqual(implied.links, {
    assignment: `${base}/projects/${w.parent}/users/${w.user}/roles/${w.r.r1}`,
    prior_role: `${base}/prior_role/${w.r.r2}/implies/${w.r.r1}`,
  });

  const onChild = await list(s, `effective&user.id=${w.user}&scope.project.id=${w.child}`);
  assert.deepEqual(
    summary(onChild),
    [
      `u:${w.user} ${w.r.r3} p:${w.child}`,
      `u:${w.user} ${w.r.r4} p:${w.child} inherited`,
      `u:${w.user} ${w.r.r5} p:${w.child} inherited`,
    ].sort(),
  );
  const viaGroup = onChild.find((a) => a.role.id === w.r.r5);
  assert.deepEqual(viaGroup.links, {
    assignment: `${base}/OS-INHERIT/projects/${w.parent}/groups/${w.group}/roles/${w.r.r5}/inherited_to_projects`,
    membership: `${base}/groups/${w.group}/users/${w.user}`,
  });

  // Without a user filter the group grant reaches both members on both projects below the parent.
  assert.deepEqual(
    summary(await list(s, `effective&role.id=${w.r.r5}`)),
    [
      `u:${w.user} ${w.r.r5} p:${w.child} inherited`,
      `u:${w.user} ${w.r.r5} p:${w.grandchild} inherited`,
      `u:${w.user2} ${w.r.r5} p:${w.child} inherited`,
      `u:${w.user2} ${w.r.r5} p:${w.grandchild} inherited`,
    ].sort(),
  );
  const tree = await list(s, `effective&user.id=${w.user}&scope.project.id=${w.parent}&include_subtree=1`);
  assert.deepEqual(
    summary(tree).filter((x) => x.includes(w.r.r4)),
    [
      `u:${w.user} ${w.r.r4} p:${w.child} inherited`,
      `u:${w.user} ${w.r.r4} p:${w.grandchild} inherited`,
      `u:${w.user} ${w.r.r4} p:${w.parent} inherited`,
    ].sort(),
  );
  assert.ok(
    summary(tree).includes(`u:${w.user} ${w.r.r5} p:${w.grandchild} inherited`),
    'an inherited grant inside the subtree reaches below it',
  );
  assert.ok(!summary(tree).includes(`u:${w.user} ${w.r.r5} p:${w.parent} inherited`), 'but not its own project');

  assert.equal(
    (await s.cloud.call('GET', `${V3}/role_assignments?effective&scope.project.id=nope`, { token: s.token })).status,
    404,
  );
});

test('role assignments: contradictory filters are 400; readers elsewhere see nothing, members nothing at all', async (t) => {
  const s = await startSeededCloud(t);
  const w = await world(s);
  const bad = [
    `user.id=${w.user}&group.id=${w.group}`,
    `scope.project.id=${w.parent}&scope.domain.id=${w.domain}`,
    `scope.project.id=${w.parent}&scope.system=all`,
    `scope.domain.id=${w.domain}&scope.system=all`,
    `effective&group.id=${w.group}`,
    `effective&scope.domain.id=${w.domain}&scope.OS-INHERIT:inherited_to=projects`,
    'include_subtree=1',
  ];
  for (const q of bad) {
    const res = await s.cloud.call('GET', `${V3}/role_assignments?${q}`, { token: s.token });
    assert.equal(res.status, 400, q);
    assert.equal(res.body.error.code, 400);
  }

  // A domain-scoped reader lists only its own domain's assignments.
  const readerId = await s.roleId('reader');
  const watcher = await s.user({ domainId: w.domain, name: 'watcher', password: 'pw-watch' });
  await w.put(`/domains/${w.domain}/users/${watcher}/roles/${readerId}`);
  await w.put(`/projects/${w.parent}/users/${w.user}/roles/${w.r.r1}`);
  const outside = await s.project({});
  await w.put(`/projects/${outside}/users/${w.user}/roles/${w.r.r1}`);
  const domainName = await s.domainName(w.domain);
  const scoped = await s.cloud.login('watcher', 'pw-watch', { domain: { id: w.domain } }, domainName);
  const res = await s.cloud.call('GET', `${V3}/role_assignments?user.id=${w.user}`, { token: scoped.token });
  assert.equal(res.status, 200);
  assert.deepEqual(summary(res.body.role_assignments), [`u:${w.user} ${w.r.r1} p:${w.parent}`]);

  const memberId = await s.roleId('member');
  const plain = await s.user({ name: 'plain', password: 'pw-plain' });
  await w.put(`/projects/${outside}/users/${plain}/roles/${memberId}`);
  const member = await s.cloud.login('plain', 'pw-plain', { project: { id: outside } });
  assert.equal((await s.cloud.call('GET', `${V3}/role_assignments`, { token: member.token })).status, 403);
  const tree = `${V3}/role_assignments?scope.project.id=${outside}&include_subtree=true`;
  assert.equal((await s.cloud.call('GET', tree, { token: member.token })).status, 403);
  assert.equal((await s.cloud.call('GET', tree, { token: s.token })).status, 200);
});

test('role assignments: effective listing of hundreds of expanded rows stays quick', async (t) => {
  const s = await startSeededCloud(t);
  const domain = await s.domain();
  const projects: string[] = [];
  for (let i = 0; i < 5; i++) projects.push(await s.project({ domainId: domain }));
  const group = await s.group({ domainId: domain });
  for (let i = 0; i < 150; i++) await s.addToGroup(group, await s.user({ domainId: domain }));
  const memberId = await s.roleId('member');
  const put = await s.cloud.call(
    'PUT',
    `${V3}/OS-INHERIT/domains/${domain}/groups/${group}/roles/${memberId}/inherited_to_projects`,
    { token: s.token },
  );
  assert.equal(put.status, 204);
  const started = performance.now();
  const all = await list(s, `effective&role.id=${memberId}&include_names`);
  const elapsed = performance.now() - started;
  assert.equal(all.filter((a) => a.scope.project && projects.includes(a.scope.project.id)).length, 150 * 5);
  assert.ok(elapsed < 3000, `took ${elapsed} ms`);
  // Implied reader doubles it, with names on every entry.
  const readers = await list(s, `effective&scope.project.id=${projects[0]}&include_names`);
  assert.equal(readers.length, 300);
  assert.ok(readers.every((a) => a.user.name && a.role.name));
});
