import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSeededCloud } from '../role-grant-fixtures.ts';

const V3 = '/identity/v3';

test('grants: user and group grants on projects and domains, checked, listed and revoked', async (t) => {
  const s = await startSeededCloud(t);
  const { cloud, token } = s;
  const domainId = await s.domain();
  const projectId = await s.project({ domainId });
  const userId = await s.user({ domainId });
  const groupId = await s.group({ domainId });
  const role = (await cloud.call('POST', `${V3}/roles`, { token, body: { role: { name: 'grantee' } } })).body.role;

  for (const [scope, scopeId] of [
    ['projects', projectId],
    ['domains', domainId],
  ]) {
    for (const [actor, actorId] of [
      ['users', userId],
      ['groups', groupId],
    ]) {
      await t.test(`${scope}/${actor}`, async () => {
        const one = `${V3}/${scope}/${scopeId}/${actor}/${actorId}/roles/${role.id}`;
        assert.equal((await cloud.call('HEAD', one, { token })).status, 404);
        assert.equal((await cloud.call('PUT', one, { token })).status, 204);
        assert.equal((await cloud.call('PUT', one, { token })).status, 204, 'granting twice is silent');
        assert.equal((await cloud.call('HEAD', one, { token })).status, 204);
        assert.equal((await cloud.call('GET', one, { token })).status, 204);
        const list = await cloud.call('GET', `${V3}/${scope}/${scopeId}/${actor}/${actorId}/roles`, { token });
        assert.equal(list.status, 200);
        assert.deepEqual(list.body.roles, [role]);
        assert.match(list.body.links.self, new RegExp(`/v3/${scope}/${scopeId}/${actor}/${actorId}/roles$`));
        assert.equal(
          (await cloud.call('HEAD', `${V3}/${scope}/${scopeId}/${actor}/${actorId}/roles`, { token })).status,
          200,
        );
        assert.equal((await cloud.call('DELETE', one, { token })).status, 204);
        const again = await cloud.call('DELETE', one, { token });
        assert.equal(again.status, 404);
        assert.match(again.body.error.message, /^Could not find role assignment with role: /);
        assert.equal((await cloud.call('GET', one, { token })).status, 404);
      });
    }
  }
});

test('grants: OS-INHERIT grants are their own kind, listed on domains only', async (t) => {
  const s = await startSeededCloud(t);
  const { cloud, token } = s;
  const domainId = await s.domain();
  const projectId = await s.project({ domainId });
  const userId = await s.user({ domainId });
  const groupId = await s.group({ domainId });
  const role = (await cloud.call('POST', `${V3}/roles`, { token, body: { role: { name: 'heir' } } })).body.role;

  for (const [actor, actorId] of [
    ['users', userId],
    ['groups', groupId],
  ]) {
    const onDomain = `${V3}/OS-INHERIT/domains/${domainId}/${actor}/${actorId}/roles/${role.id}/inherited_to_projects`;
    assert.equal((await cloud.call('PUT', onDomain, { token })).status, 204);
    assert.equal((await cloud.call('HEAD', onDomain, { token })).status, 204);
    const list = await cloud.call(
      'GET',
      `${V3}/OS-INHERIT/domains/${domainId}/${actor}/${actorId}/roles/inherited_to_projects`,
      {
        token,
      },
    );
    assert.deepEqual(
      list.body.roles.map((r: any) => r.id),
      [role.id],
    );
    const plain = await cloud.call('GET', `${V3}/domains/${domainId}/${actor}/${actorId}/roles`, { token });
    assert.deepEqual(plain.body.roles, [], 'an inherited grant is not a grant on the domain itself');
    assert.equal(
      (await cloud.call('HEAD', `${V3}/domains/${domainId}/${actor}/${actorId}/roles/${role.id}`, { token })).status,
      404,
    );
    assert.equal((await cloud.call('DELETE', onDomain, { token })).status, 204);
    assert.equal((await cloud.call('HEAD', onDomain, { token })).status, 404);

    const onProject = `${V3}/OS-INHERIT/projects/${projectId}/${actor}/${actorId}/roles/${role.id}/inherited_to_projects`;
    assert.equal((await cloud.call('PUT', onProject, { token })).status, 204);
    assert.equal((await cloud.call('GET', onProject, { token })).status, 204);
    assert.equal((await cloud.call('DELETE', onProject, { token })).status, 204);
    assert.equal((await cloud.call('DELETE', onProject, { token })).status, 404);
  }
});

test('grants: system grants for users and groups', async (t) => {
  const s = await startSeededCloud(t);
  const { cloud, token } = s;
  const userId = await s.user({});
  const groupId = await s.group({});
  const role = (await cloud.call('POST', `${V3}/roles`, { token, body: { role: { name: 'sysop' } } })).body.role;
  for (const [actor, actorId] of [
    ['users', userId],
    ['groups', groupId],
  ]) {
    const one = `${V3}/system/${actor}/${actorId}/roles/${role.id}`;
    assert.equal((await cloud.call('PUT', one, { token })).status, 204);
    assert.equal((await cloud.call('HEAD', one, { token })).status, 204);
    assert.equal((await cloud.call('GET', one, { token })).status, 204);
    const list = await cloud.call('GET', `${V3}/system/${actor}/${actorId}/roles`, { token });
    assert.deepEqual(list.body.roles, [role]);
    assert.equal((await cloud.call('DELETE', one, { token })).status, 204);
    assert.equal((await cloud.call('GET', one, { token })).status, 404);
  }
  const domainId = await s.domain();
  const domainRole = (
    await cloud.call('POST', `${V3}/roles`, { token, body: { role: { name: 'local', domain_id: domainId } } })
  ).body.role;
  assert.equal((await cloud.call('PUT', `${V3}/system/users/${userId}/roles/${domainRole.id}`, { token })).status, 400);
});

test('grants: unknown ids are 404, domain roles stay in their domain', async (t) => {
  const s = await startSeededCloud(t);
  const { cloud, token } = s;
  const domainId = await s.domain();
  const projectId = await s.project({ domainId });
  const elsewhere = await s.project({});
  const userId = await s.user({});
  const roleId = await s.roleId('member');
  const cases: [string, string][] = [
    ['role', `${V3}/projects/${projectId}/users/${userId}/roles/nope`],
    ['user', `${V3}/projects/${projectId}/users/nope/roles/${roleId}`],
    ['group', `${V3}/domains/${domainId}/groups/nope/roles/${roleId}`],
    ['project', `${V3}/projects/nope/users/${userId}/roles/${roleId}`],
    ['domain', `${V3}/domains/nope/users/${userId}/roles/${roleId}`],
    ['a domain is not a project', `${V3}/projects/${domainId}/users/${userId}/roles/${roleId}`],
    ['a project is not a domain', `${V3}/domains/${projectId}/users/${userId}/roles/${roleId}`],
    ['system user', `${V3}/system/users/nope/roles/${roleId}`],
    ['inherited project', `${V3}/OS-INHERIT/projects/nope/users/${userId}/roles/${roleId}/inherited_to_projects`],
  ];
  for (const [name, path] of cases) {
    await t.test(name, async () => {
      const res = await cloud.call('PUT', path, { token });
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 404);
    });
  }
  assert.equal((await cloud.call('GET', `${V3}/projects/${projectId}/users/nope/roles`, { token })).status, 404);

  const local = (
    await cloud.call('POST', `${V3}/roles`, { token, body: { role: { name: 'local', domain_id: domainId } } })
  ).body.role;
  assert.equal(
    (await cloud.call('PUT', `${V3}/projects/${projectId}/users/${userId}/roles/${local.id}`, { token })).status,
    204,
  );
  assert.equal(
    (await cloud.call('PUT', `${V3}/domains/${domainId}/users/${userId}/roles/${local.id}`, { token })).status,
    204,
  );
  assert.equal(
    (await cloud.call('PUT', `${V3}/projects/${elsewhere}/users/${userId}/roles/${local.id}`, { token })).status,
    403,
  );
  assert.equal(
    (await cloud.call('PUT', `${V3}/domains/default/users/${userId}/roles/${local.id}`, { token })).status,
    403,
  );
});

test('grants: a removed group grant takes the role out of members tokens; members are not admins', async (t) => {
  const s = await startSeededCloud(t);
  const { cloud, token } = s;
  const projectId = await s.project({});
  const userId = await s.user({ name: 'grouped', password: 'pw-grouped' });
  const groupId = await s.group({});
  await s.addToGroup(groupId, userId);
  const memberId = await s.roleId('member');
  const grant = `${V3}/projects/${projectId}/groups/${groupId}/roles/${memberId}`;
  assert.equal((await cloud.call('PUT', grant, { token })).status, 204);

  const member = await cloud.login('grouped', 'pw-grouped', { project: { id: projectId } });
  assert.deepEqual(member.body.roles.map((r: any) => r.name).sort(), ['member', 'reader']);
  const other = await s.user({});
  const forbidden = [
    ['PUT', `${V3}/projects/${projectId}/users/${other}/roles/${memberId}`],
    ['DELETE', grant],
    ['GET', `${V3}/projects/${projectId}/groups/${groupId}/roles`],
    ['PUT', `${V3}/system/users/${other}/roles/${memberId}`],
    ['GET', `${V3}/system/users/${userId}/roles`],
  ];
  for (const [method, path] of forbidden)
    assert.equal((await cloud.call(method, path, { token: member.token })).status, 403, `${method} ${path}`);

  const check = () => cloud.call('GET', `${V3}/auth/tokens`, { token, headers: { 'x-subject-token': member.token } });
  assert.equal((await check()).status, 200);
  assert.equal((await cloud.call('DELETE', grant, { token })).status, 204);
  assert.equal((await check()).status, 404, 'the member no longer holds a role on the project');
  assert.equal((await cloud.call('GET', `${V3}/projects`, { token: member.token })).status, 401);
});
