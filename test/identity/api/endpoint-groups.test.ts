import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';

const BASE = '/identity/v3/OS-EP-FILTER';

/** The bootstrap catalog (one identity service, public/internal/admin endpoints) and the admin project. */
async function fixture(cloud: TestCloud) {
  const { body } = await cloud.login('admin', cloud.adminPassword, {
    project: { name: 'admin', domain: { name: 'Default' } },
  });
  const service = body.catalog.find((s: { type: string }) => s.type === 'identity');
  const endpoint = (iface: string) => service.endpoints.find((e: { interface: string }) => e.interface === iface);
  return { serviceId: service.id as string, endpoint, projectId: body.project.id as string };
}

const ids = (list: { id: string }[]) => list.map((x) => x.id).sort();

test('endpoint groups: create, list (by name), show, head, update, delete', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const { serviceId } = await fixture(cloud);
  const created = await cloud.call('POST', `${BASE}/endpoint_groups`, {
    token,
    body: { endpoint_group: { name: 'g1', description: 'd', filters: { service_id: serviceId } } },
  });
  assert.equal(created.status, 201);
  const g = created.body.endpoint_group;
  assert.deepEqual(g, {
    id: g.id,
    name: 'g1',
    description: 'd',
    filters: { service_id: serviceId },
    links: { self: `${cloud.authUrl}/OS-EP-FILTER/endpoint_groups/${g.id}` },
  });
  const g2 = (
    await cloud.call('POST', `${BASE}/endpoint_groups`, {
      token,
      body: { endpoint_group: { name: 'g2', filters: { interface: 'public' } } },
    })
  ).body.endpoint_group;
  assert.equal(g2.description, null);

  const list = await cloud.call('GET', `${BASE}/endpoint_groups`, { token });
  assert.equal(list.status, 200);
  assert.ok(
    list.body.endpoint_groups.some((x: unknown) => JSON.stringify(x) === JSON.stringify(g)),
    'list = create',
  );
  assert.equal(list.body.endpoint_groups.length, 2);
  const named = await cloud.call('GET', `${BASE}/endpoint_groups?name=g2`, { token });
  assert.deepEqual(ids(named.body.endpoint_groups), [g2.id]);

  const shown = await cloud.call('GET', `${BASE}/endpoint_groups/${g.id}`, { token });
  assert.deepEqual(shown.body.endpoint_group, g);
  const head = await cloud.call('HEAD', `${BASE}/endpoint_groups/${g.id}`, { token });
  assert.equal(head.status, 200, 'Tempest expects 200 for HEAD on an endpoint group');

  const upd = await cloud.call('PATCH', `${BASE}/endpoint_groups/${g.id}`, {
    token,
    body: { endpoint_group: { name: 'renamed', description: null, filters: { interface: 'admin' } } },
  });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.endpoint_group.name, 'renamed');
  assert.equal(upd.body.endpoint_group.description, null);
  assert.deepEqual(upd.body.endpoint_group.filters, { interface: 'admin' });

  assert.equal((await cloud.call('DELETE', `${BASE}/endpoint_groups/${g.id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${BASE}/endpoint_groups/${g.id}`, { token })).status, 404);
  assert.equal((await cloud.call('HEAD', `${BASE}/endpoint_groups/${g.id}`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${BASE}/endpoint_groups/${g.id}`, { token })).status, 404);
});

test('endpoint groups: matching endpoints, project associations and their listings', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const { serviceId, endpoint, projectId } = await fixture(cloud);
  const mk = async (name: string, filters: Record<string, string>) =>
    (await cloud.call('POST', `${BASE}/endpoint_groups`, { token, body: { endpoint_group: { name, filters } } })).body
      .endpoint_group;
  const all = await mk('all', { service_id: serviceId });
  const pub = await mk('pub', { service_id: serviceId, interface: 'public' });
  const none = await mk('none', { region_id: 'nowhere' });

  const eps = await cloud.call('GET', `${BASE}/endpoint_groups/${all.id}/endpoints`, { token });
  assert.equal(eps.status, 200);
  assert.equal(eps.body.endpoints.length, 3);
  const pubEps = (await cloud.call('GET', `${BASE}/endpoint_groups/${pub.id}/endpoints`, { token })).body.endpoints;
  assert.deepEqual(ids(pubEps), [endpoint('public').id]);
  assert.equal(pubEps[0].service_id, serviceId);
  assert.equal(pubEps[0].links.self, `${cloud.authUrl}/endpoints/${endpoint('public').id}`);
  assert.deepEqual(
    (await cloud.call('GET', `${BASE}/endpoint_groups/${none.id}/endpoints`, { token })).body.endpoints,
    [],
  );
  assert.equal((await cloud.call('GET', `${BASE}/endpoint_groups/nope/endpoints`, { token })).status, 404);

  const assoc = `${BASE}/endpoint_groups/${pub.id}/projects/${projectId}`;
  assert.equal((await cloud.call('GET', assoc, { token })).status, 404);
  assert.equal((await cloud.call('PUT', assoc, { token })).status, 204);
  assert.equal((await cloud.call('PUT', assoc, { token })).status, 409);
  const got = await cloud.call('GET', assoc, { token });
  assert.equal(got.status, 200);
  assert.deepEqual(got.body.project_endpoint_group, {
    endpoint_group_id: pub.id,
    project_id: projectId,
    links: { self: `${cloud.authUrl}/OS-EP-FILTER/endpoint_groups/${pub.id}/projects/${projectId}` },
  });
  assert.equal((await cloud.call('HEAD', assoc, { token })).status, 200);

  const projects = await cloud.call('GET', `${BASE}/endpoint_groups/${pub.id}/projects`, { token });
  assert.deepEqual(ids(projects.body.projects), [projectId]);
  assert.equal(projects.body.projects[0].name, 'admin');
  assert.equal(projects.body.projects[0].domain_id, 'default');
  assert.deepEqual((await cloud.call('GET', `${BASE}/endpoint_groups/nope/projects`, { token })).body.projects, []);

  const forProject = await cloud.call('GET', `${BASE}/projects/${projectId}/endpoint_groups`, { token });
  assert.deepEqual(ids(forProject.body.endpoint_groups), [pub.id]);
  assert.equal((await cloud.call('GET', `${BASE}/projects/nope/endpoint_groups`, { token })).status, 404);

  // The group's endpoints now count as the project's.
  const projEps = await cloud.call('GET', `${BASE}/projects/${projectId}/endpoints`, { token });
  assert.deepEqual(ids(projEps.body.endpoints), [endpoint('public').id]);

  assert.equal((await cloud.call('PUT', `${BASE}/endpoint_groups/${pub.id}/projects/nope`, { token })).status, 404);
  assert.equal((await cloud.call('PUT', `${BASE}/endpoint_groups/nope/projects/${projectId}`, { token })).status, 404);

  // Deleting the group removes its associations.
  assert.equal((await cloud.call('DELETE', assoc, { token })).status, 204);
  assert.equal((await cloud.call('DELETE', assoc, { token })).status, 404);
  assert.equal((await cloud.call('PUT', assoc, { token })).status, 204);
  assert.equal((await cloud.call('DELETE', `${BASE}/endpoint_groups/${pub.id}`, { token })).status, 204);
  assert.deepEqual(
    (await cloud.call('GET', `${BASE}/projects/${projectId}/endpoint_groups`, { token })).body.endpoint_groups,
    [],
  );
});

test('endpoint groups: bad input is 400, no admin role is 403', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const cases = [
    { endpoint_group: { name: 'x', filters: {} } },
    { endpoint_group: { name: 'x' } },
    { endpoint_group: { filters: { interface: 'public' } } },
    { endpoint_group: { name: 'x', filters: { enabled: true } } },
    { endpoint_group: { name: 'x', filters: { interface: 'sideways' } } },
    { endpoint_group: { name: '', filters: { interface: 'public' } } },
    { endpoint_group: { name: 'x', filters: { interface: 'public' }, colour: 'red' } },
  ];
  for (const body of cases) {
    const res = await cloud.call('POST', `${BASE}/endpoint_groups`, { token, body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.error.code, 400);
  }
  const g = (
    await cloud.call('POST', `${BASE}/endpoint_groups`, {
      token,
      body: { endpoint_group: { name: 'x', filters: { interface: 'public' } } },
    })
  ).body.endpoint_group;
  for (const body of [
    { endpoint_group: {} },
    { endpoint_group: { filters: {} } },
    { endpoint_group: { id: 'other' } },
  ]) {
    assert.equal((await cloud.call('PATCH', `${BASE}/endpoint_groups/${g.id}`, { token, body })).status, 400);
  }
  assert.equal(
    (await cloud.call('PATCH', `${BASE}/endpoint_groups/nope`, { token, body: { endpoint_group: { name: 'y' } } }))
      .status,
    404,
  );

  const unscoped = (await cloud.login('admin', cloud.adminPassword)).token;
  assert.equal((await cloud.call('GET', `${BASE}/endpoint_groups`, { token: unscoped })).status, 403);
  assert.equal((await cloud.call('GET', `${BASE}/endpoint_groups/${g.id}`, { token: unscoped })).status, 403);
  assert.equal((await cloud.call('DELETE', `${BASE}/endpoint_groups/${g.id}`, { token: unscoped })).status, 403);
  assert.equal(
    (await cloud.call('PUT', `${BASE}/endpoint_groups/${g.id}/projects/x`, { token: unscoped })).status,
    403,
  );
});
