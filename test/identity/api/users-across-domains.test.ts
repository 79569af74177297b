import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';

const U = '/identity/v3/users';

async function createUser(cloud: TestCloud, user: Record<string, unknown>) {
  const res = await cloud.call('POST', U, { token: cloud.adminToken, body: { user } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.user;
}

test('users: projects through groups and inherited grants; domain-scoped callers stay in their domain', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const post = async (path: string, body: unknown) => {
    const res = await cloud.call('POST', `/identity/v3/${path}`, { token, body });
    assert.equal(res.status, 201, `${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const put = async (path: string) => {
    const res = await cloud.call('PUT', `/identity/v3/${path}`, { token });
    assert.equal(res.status, 204, `${path}: ${JSON.stringify(res.body)}`);
  };
  const roles = (await cloud.call('GET', '/identity/v3/roles', { token })).body.roles;
  const roleId = (name: string) => roles.find((r: { name: string }) => r.name === name).id;
  const dom = (await post('domains', { domain: { name: 'acme' } })).domain;
  const top = (await post('projects', { project: { name: 'top', domain_id: dom.id } })).project;
  await post('projects', { project: { name: 'child', domain_id: dom.id, parent_id: top.id } });
  const solo = (await post('projects', { project: { name: 'solo', domain_id: 'default' } })).project;
  const off = (await post('projects', { project: { name: 'off', domain_id: 'default', enabled: false } })).project;
  const localRole = (await post('roles', { role: { name: 'local', domain_id: dom.id } })).role;

  const u = await createUser(cloud, { name: 'fay', password: 'pw-fay', domain_id: dom.id });
  const g = (await post('groups', { group: { name: 'g', domain_id: dom.id } })).group;
  await put(`groups/${g.id}/users/${u.id}`);
  await put(`projects/${solo.id}/groups/${g.id}/roles/${roleId('member')}`);
  await put(`projects/${off.id}/users/${u.id}/roles/${roleId('reader')}`);
  await put(`OS-INHERIT/projects/${top.id}/users/${u.id}/roles/${roleId('reader')}/inherited_to_projects`);
  await put(`projects/${top.id}/users/${u.id}/roles/${localRole.id}`);
  const names = async (query = '') => {
    const res = await cloud.call('GET', `${U}/${u.id}/projects${query}`, { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.projects.map((p: { name: string }) => p.name).sort();
  };
  // top itself: only a domain-specific role (counts for nothing) and an inherited grant (applies below it).
  assert.deepEqual(await names(), ['child', 'off', 'solo']);
  assert.deepEqual(await names('?enabled=true'), ['child', 'solo']);
  assert.deepEqual(await names(`?domain_id=${dom.id}`), ['child']);
  await put(`OS-INHERIT/domains/${dom.id}/users/${u.id}/roles/${roleId('reader')}/inherited_to_projects`);
  assert.deepEqual(await names(), ['child', 'off', 'solo', 'top']);

  // A domain manager of acme lists and creates acme's users only; a domain-scoped list shows acme's groups only.
  const manager = (await post('roles', { role: { name: 'manager' } })).role;
  await put(`domains/${dom.id}/users/${u.id}/roles/${manager.id}`);
  // Strata's bootstrap makes no manager role, so nothing implies reader from it: grant both.
  await put(`domains/${dom.id}/users/${u.id}/roles/${roleId('reader')}`);
  const { token: mgr } = await cloud.login('fay', 'pw-fay', { domain: { id: dom.id } }, 'acme');
  const listed = await cloud.call('GET', `${U}?domain_id=default`, { token: mgr });
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.body.users, [], 'asking for another domain shows nothing');
  const mine = await cloud.call('GET', U, { token: mgr });
  assert.deepEqual(
    mine.body.users.map((x: { name: string }) => x.name),
    ['fay'],
  );
  // As Keystone, the create rule reads the body as sent: a manager names its domain.
  const made = await cloud.call('POST', U, { token: mgr, body: { user: { name: 'gil', domain_id: dom.id } } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal((await cloud.call('POST', U, { token: mgr, body: { user: { name: 'hal' } } })).status, 403);
  assert.equal(
    (await cloud.call('POST', U, { token: mgr, body: { user: { name: 'hal', domain_id: 'default' } } })).status,
    403,
  );
  const adminId = (await cloud.call('GET', `${U}?name=admin`, { token })).body.users[0].id;
  await put(`domains/${dom.id}/users/${adminId}/roles/${roleId('admin')}`);
  const { token: domAdmin } = await cloud.login('admin', cloud.adminPassword, { domain: { id: dom.id } });
  const defaulted = await cloud.call('POST', U, { token: domAdmin, body: { user: { name: 'ivy' } } });
  assert.equal(defaulted.body.user.domain_id, dom.id, 'defaults to the token domain');
  const groups = await cloud.call('GET', `${U}/${u.id}/groups`, { token: mgr });
  assert.deepEqual(
    groups.body.groups.map((x: { id: string }) => x.id),
    [g.id],
  );
});
