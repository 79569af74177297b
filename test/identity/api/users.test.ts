import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';

const U = '/identity/v3/users';

async function createUser(cloud: TestCloud, user: Record<string, unknown>) {
  const res = await cloud.call('POST', U, { token: cloud.adminToken, body: { user } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.user;
}

/** Revocation events cover tokens issued in earlier seconds (Fernet times are whole seconds), as in Keystone. */
const nextSecond = () => sleep(1100);

test('users: create, show, update, list and delete with Keystone fields', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const created = await createUser(cloud, {
    name: '  alice ',
    password: 'secret-1',
    email: 'alice@example.org',
    description: 'first',
    enabled: false,
    project_id: 'p-1',
    options: { ignore_password_expiry: true, multi_factor_auth_rules: [['password', 'totp']] },
  });
  assert.equal(created.name, 'alice', 'names are stripped');
  assert.equal(created.domain_id, 'default');
  assert.equal(created.enabled, false);
  assert.equal(created.email, 'alice@example.org');
  assert.equal(created.project_id, 'p-1', 'free-form attributes are kept');
  assert.equal(created.password_expires_at, null);
  assert.deepEqual(created.options, { ignore_password_expiry: true, multi_factor_auth_rules: [['password', 'totp']] });
  assert.equal(created.password, undefined);
  assert.equal(created.default_project_id, undefined, 'absent when unset, as Keystone');
  assert.match(created.links.self, new RegExp(`/identity/v3/users/${created.id}$`));

  const shown = await cloud.call('GET', `${U}/${created.id}`, { token });
  assert.equal(shown.status, 200);
  assert.deepEqual(shown.body.user, created);
  assert.equal((await cloud.call('HEAD', `${U}/${created.id}`, { token })).status, 200);

  const upd = await cloud.call('PATCH', `${U}/${created.id}`, {
    token,
    body: {
      user: {
        id: created.id,
        name: 'alice2',
        enabled: true,
        project_id: 'p-2',
        colour: 'red',
        options: { ignore_password_expiry: null, lock_password: true },
      },
    },
  });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.user.name, 'alice2');
  assert.equal(upd.body.user.enabled, true);
  assert.equal(upd.body.user.project_id, 'p-2');
  assert.equal(upd.body.user.colour, 'red');
  assert.equal(upd.body.user.description, 'first', 'untouched fields stay');
  assert.deepEqual(upd.body.user.options, { lock_password: true, multi_factor_auth_rules: [['password', 'totp']] });

  const list = await cloud.call('GET', `${U}?name=alice2`, { token });
  assert.equal(list.status, 200);
  assert.deepEqual(
    list.body.users.map((u: { id: string }) => u.id),
    [created.id],
  );
  assert.match(list.body.links.self, /\/identity\/v3\/users\?name=alice2$/);
  assert.equal(list.body.links.next, null);

  assert.equal((await cloud.call('DELETE', `${U}/${created.id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${U}/${created.id}`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${U}/${created.id}`, { token })).status, 404);
  assert.equal((await cloud.call('PATCH', `${U}/${created.id}`, { token, body: { user: { name: 'x' } } })).status, 404);
});

test('users: list filters (exact, inexact, enabled, domain, password expiry)', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const bob = await createUser(cloud, { name: 'Bob-Builder', password: 'pw' });
  const carol = await createUser(cloud, { name: 'carol', enabled: false });
  const ids = async (query: string) => {
    const res = await cloud.call('GET', `${U}?${query}`, { token });
    assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
    return res.body.users.map((u: { id: string }) => u.id).sort();
  };
  assert.deepEqual(await ids('enabled=False'), [carol.id]);
  assert.ok((await ids('enabled=true')).includes(bob.id));
  assert.ok(!(await ids('enabled=true')).includes(carol.id));
  assert.deepEqual(await ids('name__contains=Build'), [bob.id]);
  assert.deepEqual(await ids('name__contains=build'), []);
  assert.deepEqual(await ids('name__icontains=build'), [bob.id]);
  assert.deepEqual(await ids('name__startswith=car'), [carol.id]);
  assert.deepEqual(await ids('name__iendswith=ER'), [bob.id]);
  assert.deepEqual(await ids('domain_id=nope'), []);
  assert.equal((await ids('domain_id=default')).length, 4, 'admin, the compute service user, bob and carol');
  assert.deepEqual(await ids('password_expires_at=lt:2999-01-01T00:00:00Z'), [], 'no password expires here');
  assert.equal((await ids('unknown_filter=1')).length, 4, 'unknown filters are ignored');

  for (const bad of ['password_expires_at=xx:2020-01-01T00:00:00Z', 'password_expires_at=lt:yesterday']) {
    assert.equal((await cloud.call('GET', `${U}?${bad}`, { token })).status, 400, bad);
  }
  assert.equal((await cloud.call('GET', `${U}?name=a&name=b`, { token })).status, 400);
});

test('users: bad input is 400, duplicates 409, unknown domain 404', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const cases: [string, unknown][] = [
    ['no user key', {}],
    ['no name', { user: { password: 'x' } }],
    ['blank name', { user: { name: '   ' } }],
    ['long name', { user: { name: 'n'.repeat(256) } }],
    ['enabled not boolean', { user: { name: 'u', enabled: 'yes' } }],
    ['unknown option', { user: { name: 'u', options: { colour: true } } }],
    ['option of wrong type', { user: { name: 'u', options: { lock_password: 'yes' } } }],
    ['mfa rules not lists', { user: { name: 'u', options: { multi_factor_auth_rules: ['password'] } } }],
    ['mfa rule empty', { user: { name: 'u', options: { multi_factor_auth_rules: [[]] } } }],
    ['mfa rule repeated', { user: { name: 'u', options: { multi_factor_auth_rules: [['a'], ['a']] } } }],
    ['email not text', { user: { name: 'u', email: 5 } }],
    ['bad domain id', { user: { name: 'u', domain_id: 'a/b' } }],
    [
      'federated',
      { user: { name: 'u', federated: [{ idp_id: 'x', protocols: [{ protocol_id: 'p', unique_id: 'u' }] }] } },
    ],
    ['default project is a domain', { user: { name: 'u', default_project_id: 'default' } }],
  ];
  for (const [name, body] of cases) {
    const res = await cloud.call('POST', U, { token, body });
    assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, 400);
  }
  assert.equal((await cloud.call('POST', U, { token, raw: '{"user":' })).status, 400);

  const u = await createUser(cloud, { name: 'dup' });
  const dup = await cloud.call('POST', U, { token, body: { user: { name: 'dup' } } });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.code, 409);
  const other = await createUser(cloud, { name: 'other' });
  assert.equal(
    (await cloud.call('PATCH', `${U}/${other.id}`, { token, body: { user: { name: 'dup' } } })).status,
    409,
    'renaming onto a taken name',
  );
  assert.equal(
    (await cloud.call('POST', U, { token, body: { user: { name: 'x', domain_id: 'f00d' } } })).status,
    404,
    'domain must exist',
  );

  const patches: [string, unknown][] = [
    ['empty user', { user: {} }],
    ['other id', { user: { id: 'abc' } }],
    ['other domain', { user: { domain_id: 'other' } }],
    ['blank name', { user: { name: '' } }],
  ];
  for (const [name, body] of patches) {
    const res = await cloud.call('PATCH', `${U}/${u.id}`, { token, body });
    assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
  }
});

test('users: a plain user sees only itself; admin rules apply to the rest', async (t) => {
  const cloud = await startCloud(t);
  const me = await createUser(cloud, { name: 'plain', password: 'pw-plain' });
  const other = await createUser(cloud, { name: 'other' });
  const { token } = await cloud.login('plain', 'pw-plain');
  const expect = async (method: string, path: string, status: number, body?: unknown) => {
    const res = await cloud.call(method, path, { token, body });
    assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
    return res;
  };
  await expect('GET', U, 403);
  await expect('POST', U, 403, { user: { name: 'nope' } });
  await expect('GET', `${U}/${me.id}`, 200);
  await expect('GET', `${U}/${other.id}`, 403);
  await expect('PATCH', `${U}/${me.id}`, 403, { user: { name: 'renamed' } });
  await expect('DELETE', `${U}/${other.id}`, 403);
  await expect('GET', `${U}/${me.id}/projects`, 200);
  await expect('GET', `${U}/${other.id}/projects`, 403);
  await expect('GET', `${U}/${me.id}/groups`, 200);
  await expect('GET', `${U}/${other.id}/groups`, 403);
  assert.equal((await cloud.call('GET', U)).status, 401);
});

test('users: own password change needs the original and revokes old tokens', async (t) => {
  const cloud = await startCloud(t);
  const me = await createUser(cloud, { name: 'pat', password: 'old-pw' });
  const { token: oldToken } = await cloud.login('pat', 'old-pw');
  await nextSecond();

  const wrong = await cloud.call('POST', `${U}/${me.id}/password`, {
    body: { user: { original_password: 'nope', password: 'new-pw' } },
  });
  assert.equal(wrong.status, 401);
  const unknown = await cloud.call('POST', `${U}/f00d/password`, {
    body: { user: { original_password: 'old-pw', password: 'new-pw' } },
  });
  assert.equal(unknown.status, 401);
  for (const body of [{ user: { password: 'x' } }, { user: { original_password: 'a', password: 'b', extra: 1 } }, {}]) {
    assert.equal((await cloud.call('POST', `${U}/${me.id}/password`, { body })).status, 400);
  }

  const ok = await cloud.call('POST', `${U}/${me.id}/password`, {
    token: oldToken,
    body: { user: { original_password: 'old-pw', password: 'new-pw' } },
  });
  assert.equal(ok.status, 204);
  assert.equal((await cloud.call('GET', `${U}/${me.id}`, { token: oldToken })).status, 401, 'old token revoked');
  await assert.rejects(cloud.login('pat', 'old-pw'));
  const { token } = await cloud.login('pat', 'new-pw');
  assert.equal((await cloud.call('GET', `${U}/${me.id}`, { token })).status, 200);
  assert.equal((await cloud.call('GET', `${U}/${me.id}/password`, { token })).status, 405);

  // lock_password stops self-service changes (the admin may still reset it).
  await cloud.call('PATCH', `${U}/${me.id}`, {
    token: cloud.adminToken,
    body: { user: { options: { lock_password: true } } },
  });
  const locked = await cloud.call('POST', `${U}/${me.id}/password`, {
    body: { user: { original_password: 'new-pw', password: 'newer-pw' } },
  });
  assert.equal(locked.status, 400, 'Keystone refuses with PasswordSelfServiceDisabled, a 400');
});

test('users: disabling, resetting the password and deleting revoke tokens', async (t) => {
  const cloud = await startCloud(t);
  const admin = cloud.adminToken;
  const u = await createUser(cloud, { name: 'dana', password: 'pw-1' });
  const check = async (tok: string) => (await cloud.call('GET', `${U}/${u.id}`, { token: tok })).status;

  let { token } = await cloud.login('dana', 'pw-1');
  await nextSecond();
  await cloud.call('PATCH', `${U}/${u.id}`, { token: admin, body: { user: { email: 'd@example.org' } } });
  assert.equal(await check(token), 200, 'other changes keep tokens');
  await cloud.call('PATCH', `${U}/${u.id}`, { token: admin, body: { user: { enabled: false } } });
  assert.equal(await check(token), 401);
  await assert.rejects(cloud.login('dana', 'pw-1'), 'disabled users cannot log in');

  await cloud.call('PATCH', `${U}/${u.id}`, { token: admin, body: { user: { enabled: true } } });
  ({ token } = await cloud.login('dana', 'pw-1'));
  await nextSecond();
  await cloud.call('PATCH', `${U}/${u.id}`, { token: admin, body: { user: { password: 'pw-2' } } });
  assert.equal(await check(token), 401);
  ({ token } = await cloud.login('dana', 'pw-2'));
  await nextSecond();
  assert.equal((await cloud.call('DELETE', `${U}/${u.id}`, { token: admin })).status, 204);
  assert.equal(await check(token), 401);
});

test('users: projects of a user and groups of a user', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const adminId = (await cloud.call('GET', `${U}?name=admin`, { token })).body.users[0].id;
  const projects = await cloud.call('GET', `${U}/${adminId}/projects`, { token });
  assert.equal(projects.status, 200);
  assert.deepEqual(
    projects.body.projects.map((p: { name: string }) => p.name),
    ['admin'],
  );
  const p = projects.body.projects[0];
  assert.equal(p.domain_id, 'default');
  assert.equal(p.is_domain, false);
  assert.deepEqual(p.tags, []);
  assert.match(p.links.self, new RegExp(`/identity/v3/projects/${p.id}$`));
  const none = await cloud.call('GET', `${U}/${adminId}/projects?name=nope`, { token });
  assert.deepEqual(none.body.projects, []);
  assert.deepEqual((await cloud.call('GET', `${U}/${adminId}/projects?enabled=false`, { token })).body.projects, []);

  const u = await createUser(cloud, { name: 'erin' });
  assert.deepEqual((await cloud.call('GET', `${U}/${u.id}/projects`, { token })).body.projects, []);
  const g = await cloud.call('POST', '/identity/v3/groups', { token, body: { group: { name: 'devs' } } });
  await cloud.call('PUT', `/identity/v3/groups/${g.body.group.id}/users/${u.id}`, { token });
  const groups = await cloud.call('GET', `${U}/${u.id}/groups`, { token });
  assert.equal(groups.status, 200);
  assert.deepEqual(groups.body.groups, [{ ...g.body.group, membership_expires_at: null }]);
  assert.deepEqual((await cloud.call('GET', `${U}/${u.id}/groups?name=other`, { token })).body.groups, []);
  assert.equal((await cloud.call('GET', `${U}/f00d/groups`, { token })).status, 404);

  // Deleting the user ends the membership.
  await cloud.call('DELETE', `${U}/${u.id}`, { token });
  const members = await cloud.call('GET', `/identity/v3/groups/${g.body.group.id}/users`, { token });
  assert.deepEqual(members.body.users, []);
});

test('users: deleting a user removes their grants, credentials and trusts', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const u = await createUser(cloud, { name: 'kim', password: 'pw-kim' });
  const project = (await cloud.call('GET', '/identity/v3/projects?name=admin', { token })).body.projects[0];
  const roles = (await cloud.call('GET', '/identity/v3/roles', { token })).body.roles;
  const member = roles.find((r: { name: string }) => r.name === 'member');
  const grant = `/identity/v3/projects/${project.id}/users/${u.id}/roles/${member.id}`;
  assert.equal((await cloud.call('PUT', grant, { token })).status, 204);
  const cred = await cloud.call('POST', '/identity/v3/credentials', {
    token,
    body: { credential: { user_id: u.id, type: 'totp', blob: 'secret' } },
  });
  assert.equal(cred.status, 201, JSON.stringify(cred.body));
  const adminId = (await cloud.login('admin', cloud.adminPassword)).body.user.id;
  const trust = await cloud.call('POST', '/identity/v3/OS-TRUST/trusts', {
    token,
    body: {
      trust: {
        trustor_user_id: adminId,
        trustee_user_id: u.id,
        project_id: project.id,
        impersonation: false,
        roles: [{ name: 'member' }],
      },
    },
  });
  assert.equal(trust.status, 201, JSON.stringify(trust.body));

  assert.equal((await cloud.call('DELETE', `${U}/${u.id}`, { token })).status, 204);
  const assignments = await cloud.call('GET', `/identity/v3/role_assignments?user.id=${u.id}`, { token });
  assert.deepEqual(assignments.body.role_assignments, []);
  assert.equal((await cloud.call('GET', `/identity/v3/credentials/${cred.body.credential.id}`, { token })).status, 404);
  const gone = await cloud.call('GET', `/identity/v3/OS-TRUST/trusts/${trust.body.trust.id}`, { token });
  assert.equal(gone.status, 404);
});
