import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSeededCloud } from '../role-grant-fixtures.ts';

const V3 = '/identity/v3';

test('roles: create, show, update, list with filters, duplicate names, delete', async (t) => {
  const s = await startSeededCloud(t);
  const { cloud, token } = s;
  const created = await cloud.call('POST', `${V3}/roles`, {
    token,
    body: { role: { name: 'auditor', description: 'reads', colour: 'blue' } },
  });
  assert.equal(created.status, 201);
  const role = created.body.role;
  assert.equal(role.name, 'auditor');
  assert.equal(role.domain_id, null);
  assert.equal(role.description, 'reads');
  assert.equal(role.colour, 'blue', 'free-form attributes are kept');
  assert.deepEqual(role.options, {});
  assert.match(role.links.self, new RegExp(`/identity/v3/roles/${role.id}$`));

  const shown = await cloud.call('GET', `${V3}/roles/${role.id}`, { token });
  assert.equal(shown.status, 200);
  assert.deepEqual(shown.body.role, role);
  assert.equal((await cloud.call('HEAD', `${V3}/roles/${role.id}`, { token })).status, 200);

  const list = await cloud.call('GET', `${V3}/roles`, { token });
  assert.equal(list.status, 200);
  assert.ok(
    list.body.roles.some((r: any) => JSON.stringify(r) === JSON.stringify(role)),
    'listed exactly as created',
  );
  assert.deepEqual(
    ['admin', 'member', 'reader'].filter((n) => list.body.roles.some((r: any) => r.name === n)),
    ['admin', 'member', 'reader'],
  );
  assert.equal(list.body.links.previous, null);
  const byName = await cloud.call('GET', `${V3}/roles?name=auditor`, { token });
  assert.deepEqual(
    byName.body.roles.map((r: any) => r.id),
    [role.id],
  );
  assert.match(byName.body.links.self, /\/roles\?name=auditor$/);

  assert.equal((await cloud.call('POST', `${V3}/roles`, { token, body: { role: { name: 'auditor' } } })).status, 409);

  const domainId = await s.domain();
  const dr = await cloud.call('POST', `${V3}/roles`, {
    token,
    body: { role: { name: 'auditor', domain_id: domainId } },
  });
  assert.equal(dr.status, 201, 'the same name may exist in a domain');
  assert.equal(dr.body.role.domain_id, domainId);
  const domainList = await cloud.call('GET', `${V3}/roles?domain_id=${domainId}`, { token });
  assert.deepEqual(domainList.body.roles, [dr.body.role]);
  const globals = await cloud.call('GET', `${V3}/roles`, { token });
  assert.ok(!globals.body.roles.some((r: any) => r.id === dr.body.role.id), 'global list leaves domain roles out');

  const upd = await cloud.call('PATCH', `${V3}/roles/${role.id}`, {
    token,
    body: { role: { name: 'auditor2', description: null, shade: 'dark' } },
  });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.role.name, 'auditor2');
  assert.equal(upd.body.role.description, null);
  assert.equal(upd.body.role.colour, 'blue');
  assert.equal(upd.body.role.shade, 'dark');
  const move = await cloud.call('PATCH', `${V3}/roles/${role.id}`, { token, body: { role: { domain_id: domainId } } });
  assert.equal(move.status, 400, 'a role never changes domain');
  const clash = await cloud.call('PATCH', `${V3}/roles/${role.id}`, { token, body: { role: { name: 'member' } } });
  assert.equal(clash.status, 409);

  assert.equal((await cloud.call('DELETE', `${V3}/roles/${role.id}`, { token })).status, 204);
  const gone = await cloud.call('GET', `${V3}/roles/${role.id}`, { token });
  assert.equal(gone.status, 404);
  assert.equal(gone.body.error.message, `Could not find role: ${role.id}.`);
  assert.equal((await cloud.call('DELETE', `${V3}/roles/${role.id}`, { token })).status, 404);
});

test('roles: bad input is 400, unknown domain 404, no token 401', async (t) => {
  const { cloud, token } = await startSeededCloud(t);
  const cases: [string, unknown][] = [
    ['no role key', {}],
    ['no name', { role: { description: 'x' } }],
    ['blank name', { role: { name: '   ' } }],
    ['long name', { role: { name: 'x'.repeat(256) } }],
    ['name not a string', { role: { name: 5 } }],
    ['unknown option', { role: { name: 'r1', options: { sticky: true } } }],
    ['option not boolean', { role: { name: 'r1', options: { immutable: 'yes' } } }],
    ['extra top-level key', { role: { name: 'r1' }, other: 1 }],
  ];
  for (const [name, body] of cases) {
    await t.test(name, async () => {
      const res = await cloud.call('POST', `${V3}/roles`, { token, body });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 400);
    });
  }
  assert.equal((await cloud.call('POST', `${V3}/roles`, { token, raw: '{"role":' })).status, 400);
  const readerId = (await cloud.call('GET', `${V3}/roles?name=reader`, { token })).body.roles[0].id;
  const emptyPatch = await cloud.call('PATCH', `${V3}/roles/${readerId}`, {
    token,
    body: { role: {} },
  });
  assert.equal(emptyPatch.status, 400);
  const nowhere = await cloud.call('POST', `${V3}/roles`, { token, body: { role: { name: 'x', domain_id: 'nope' } } });
  assert.equal(nowhere.status, 404);
  assert.equal((await cloud.call('GET', `${V3}/roles`)).status, 401);
});

test('roles: immutable roles refuse updates and deletion until unlocked', async (t) => {
  const { cloud, token } = await startSeededCloud(t);
  const res = await cloud.call('POST', `${V3}/roles`, {
    token,
    body: { role: { name: 'frozen', options: { immutable: true } } },
  });
  assert.equal(res.status, 201);
  assert.deepEqual(res.body.role.options, { immutable: true });
  const id = res.body.role.id;
  assert.equal((await cloud.call('DELETE', `${V3}/roles/${id}`, { token })).status, 403);
  const rename = await cloud.call('PATCH', `${V3}/roles/${id}`, { token, body: { role: { name: 'thawed' } } });
  assert.equal(rename.status, 403);
  const both = await cloud.call('PATCH', `${V3}/roles/${id}`, {
    token,
    body: { role: { name: 'thawed', options: { immutable: false } } },
  });
  assert.equal(both.status, 403, 'unlocking must be the whole update');
  const unlock = await cloud.call('PATCH', `${V3}/roles/${id}`, {
    token,
    body: { role: { options: { immutable: null } } },
  });
  assert.equal(unlock.status, 200);
  assert.deepEqual(unlock.body.role.options, {});
  assert.equal((await cloud.call('DELETE', `${V3}/roles/${id}`, { token })).status, 204);
});

test('roles: a plain member may not create, update or delete roles', async (t) => {
  const s = await startSeededCloud(t);
  const { cloud, token } = s;
  const projectId = await s.project({});
  const userId = await s.user({ name: 'plain', password: 'pw-plain' });
  const memberId = await s.roleId('member');
  assert.equal(
    (await cloud.call('PUT', `${V3}/projects/${projectId}/users/${userId}/roles/${memberId}`, { token })).status,
    204,
  );
  const member = await cloud.login('plain', 'pw-plain', { project: { id: projectId } });
  assert.equal(
    (await cloud.call('POST', `${V3}/roles`, { token: member.token, body: { role: { name: 'x' } } })).status,
    403,
  );
  assert.equal(
    (await cloud.call('PATCH', `${V3}/roles/${memberId}`, { token: member.token, body: { role: { name: 'y' } } }))
      .status,
    403,
  );
  assert.equal((await cloud.call('DELETE', `${V3}/roles/${memberId}`, { token: member.token })).status, 403);
  assert.equal((await cloud.call('GET', `${V3}/roles`, { token: member.token })).status, 403);
  assert.equal((await cloud.call('GET', `${V3}/roles/nope`, { token: member.token })).status, 403, 'no probing ids');
});

test('implied roles: create, check, show, list, refuse admin, global-to-domain and cycles', async (t) => {
  const s = await startSeededCloud(t);
  const { cloud, token } = s;
  const mk = async (name: string, domain_id?: string) =>
    (await cloud.call('POST', `${V3}/roles`, { token, body: { role: { name, domain_id } } })).body.role.id as string;
  const [a, b, c] = [await mk('ra'), await mk('rb'), await mk('rc')];

  const put = await cloud.call('PUT', `${V3}/roles/${a}/implies/${b}`, { token });
  assert.equal(put.status, 201);
  assert.deepEqual(Object.keys(put.body.role_inference).sort(), ['implies', 'prior_role']);
  assert.equal(put.body.role_inference.prior_role.name, 'ra');
  assert.equal(put.body.role_inference.implies.id, b);
  assert.match(put.body.role_inference.implies.links.self, new RegExp(`/roles/${b}$`));
  assert.match(put.body.links.self, new RegExp(`/roles/${a}/implies/${b}$`));
  assert.equal((await cloud.call('PUT', `${V3}/roles/${a}/implies/${b}`, { token })).status, 409);
  assert.equal((await cloud.call('PUT', `${V3}/roles/${a}/implies/${c}`, { token })).status, 201);

  assert.equal((await cloud.call('HEAD', `${V3}/roles/${a}/implies/${b}`, { token })).status, 204);
  const shown = await cloud.call('GET', `${V3}/roles/${a}/implies/${b}`, { token });
  assert.deepEqual(shown.body, put.body);
  const listed = await cloud.call('GET', `${V3}/roles/${a}/implies`, { token });
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.body.role_inference.implies.map((r: any) => r.id).sort(), [b, c].sort());
  const all = await cloud.call('GET', `${V3}/role_inferences`, { token });
  const mine = all.body.role_inferences.find((r: any) => r.prior_role.id === a);
  assert.equal(mine.implies.length, 2);
  assert.ok(
    all.body.role_inferences.some((r: any) => r.prior_role.name === 'admin'),
    'bootstrap rules are listed',
  );

  const adminId = await s.roleId('admin');
  const noAdmin = await cloud.call('PUT', `${V3}/roles/${a}/implies/${adminId}`, { token });
  assert.equal(noAdmin.status, 403);
  assert.equal((await cloud.call('PUT', `${V3}/roles/${c}/implies/${a}`, { token })).status, 403, 'a cycle');
  assert.equal((await cloud.call('PUT', `${V3}/roles/${a}/implies/${a}`, { token })).status, 403, 'self');

  const domainId = await s.domain();
  const d1 = await mk('d1', domainId);
  const other = await s.domain();
  const d2 = await mk('d2', other);
  assert.equal((await cloud.call('PUT', `${V3}/roles/${d1}/implies/${d2}`, { token })).status, 201, 'cross-domain');
  assert.equal((await cloud.call('PUT', `${V3}/roles/${d1}/implies/${a}`, { token })).status, 201, 'domain to global');
  assert.equal((await cloud.call('PUT', `${V3}/roles/${a}/implies/${d1}`, { token })).status, 403, 'global to domain');

  assert.equal((await cloud.call('PUT', `${V3}/roles/${a}/implies/nope`, { token })).status, 404);
  assert.equal((await cloud.call('GET', `${V3}/roles/nope/implies`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${V3}/roles/${a}/implies/${b}`, { token })).status, 204);
  const gone = await cloud.call('GET', `${V3}/roles/${a}/implies/${b}`, { token });
  assert.equal(gone.status, 404);
  assert.equal(gone.body.error.message, `${a} does not imply ${b}.`);
  assert.equal((await cloud.call('DELETE', `${V3}/roles/${a}/implies/${b}`, { token })).status, 404);

  // Deleting a role takes its rules and grants with it.
  const projectId = await s.project({});
  const userId = await s.user({});
  await cloud.call('PUT', `${V3}/projects/${projectId}/users/${userId}/roles/${c}`, { token });
  assert.equal((await cloud.call('DELETE', `${V3}/roles/${c}`, { token })).status, 204);
  const after = await cloud.call('GET', `${V3}/roles/${a}/implies`, { token });
  assert.deepEqual(after.body.role_inference.implies, []);
  const assignments = await cloud.call('GET', `${V3}/role_assignments?user.id=${userId}`, { token });
  assert.deepEqual(assignments.body.role_assignments, []);
});
