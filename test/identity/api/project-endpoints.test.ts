import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';

const BASE = '/identity/v3/OS-EP-FILTER';

async function fixture(cloud: TestCloud) {
  const { body } = await cloud.login('admin', cloud.adminPassword, {
    project: { name: 'admin', domain: { name: 'Default' } },
  });
  const service = body.catalog.find((s: { type: string }) => s.type === 'identity');
  const endpoint = (iface: string): string =>
    service.endpoints.find((e: { interface: string }) => e.interface === iface).id;
  return { serviceId: service.id as string, endpoint, projectId: body.project.id as string };
}

const ids = (list: { id: string }[]) => list.map((x) => x.id).sort();

test('project endpoints: add, check (GET and HEAD 204), list both ways, remove', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const { endpoint, projectId } = await fixture(cloud);
  const pub = endpoint('public');
  const one = `${BASE}/projects/${projectId}/endpoints/${pub}`;

  assert.deepEqual((await cloud.call('GET', `${BASE}/projects/${projectId}/endpoints`, { token })).body.endpoints, []);
  assert.equal((await cloud.call('HEAD', one, { token })).status, 404);
  assert.equal((await cloud.call('PUT', one, { token })).status, 204);
  assert.equal((await cloud.call('PUT', one, { token })).status, 409);
  assert.equal((await cloud.call('HEAD', one, { token })).status, 204);
  assert.equal((await cloud.call('GET', one, { token })).status, 204);
  // The default domain is a project too, as far as Keystone's get_project is concerned.
  assert.equal(
    (await cloud.call('PUT', `${BASE}/projects/default/endpoints/${endpoint('admin')}`, { token })).status,
    204,
  );

  const listed = await cloud.call('GET', `${BASE}/projects/${projectId}/endpoints`, { token });
  assert.equal(listed.status, 200);
  assert.deepEqual(ids(listed.body.endpoints), [pub]);
  const e = listed.body.endpoints[0];
  assert.equal(e.interface, 'public');
  assert.equal(e.region, e.region_id);
  assert.equal(e.enabled, true);
  assert.equal(e.links.self, `${cloud.authUrl}/endpoints/${pub}`);
  assert.equal(listed.body.links.self, `${cloud.authUrl}/OS-EP-FILTER/projects/${projectId}/endpoints`);

  const projects = await cloud.call('GET', `${BASE}/endpoints/${pub}/projects`, { token });
  assert.equal(projects.status, 200);
  assert.deepEqual(ids(projects.body.projects), [projectId]);
  assert.equal(projects.body.projects[0].links.self, `${cloud.authUrl}/projects/${projectId}`);
  assert.equal(projects.body.projects[0].is_domain, false);

  assert.equal((await cloud.call('DELETE', one, { token })).status, 204);
  assert.equal((await cloud.call('DELETE', one, { token })).status, 404);
  assert.equal((await cloud.call('GET', one, { token })).status, 404);
  assert.deepEqual((await cloud.call('GET', `${BASE}/endpoints/${pub}/projects`, { token })).body.projects, []);
});

test('project endpoints: unknown project or endpoint is 404, no admin role is 403', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const { endpoint, projectId } = await fixture(cloud);
  const pub = endpoint('public');
  assert.equal((await cloud.call('PUT', `${BASE}/projects/nope/endpoints/${pub}`, { token })).status, 404);
  assert.equal((await cloud.call('PUT', `${BASE}/projects/${projectId}/endpoints/nope`, { token })).status, 404);
  assert.equal((await cloud.call('GET', `${BASE}/projects/nope/endpoints`, { token })).status, 404);
  assert.equal((await cloud.call('GET', `${BASE}/endpoints/nope/projects`, { token })).status, 404);

  const unscoped = (await cloud.login('admin', cloud.adminPassword)).token;
  const one = `${BASE}/projects/${projectId}/endpoints/${pub}`;
  assert.equal((await cloud.call('PUT', one, { token: unscoped })).status, 403);
  assert.equal((await cloud.call('HEAD', one, { token: unscoped })).status, 403);
  assert.equal((await cloud.call('DELETE', one, { token: unscoped })).status, 403);
  assert.equal((await cloud.call('GET', `${BASE}/projects/${projectId}/endpoints`, { token: unscoped })).status, 403);
  assert.equal((await cloud.call('GET', `${BASE}/endpoints/${pub}/projects`, { token: unscoped })).status, 403);
});
