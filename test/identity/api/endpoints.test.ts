import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';

const E = '/identity/v3/endpoints';

async function service(cloud: TestCloud, type: string): Promise<string> {
  const res = await cloud.call('POST', '/identity/v3/services', {
    token: cloud.adminToken,
    body: { service: { type } },
  });
  assert.equal(res.status, 201);
  return res.body.service.id;
}

test('endpoints: legacy region is auto-created, region_id must exist, update and filters', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const s1 = await service(cloud, 'svc-1');
  const s2 = await service(cloud, 'svc-2');

  // Tempest creates endpoints with the pre-3.2 `region` key and then expects to GET that region.
  const created = await cloud.call('POST', E, {
    token,
    body: { endpoint: { service_id: s1, interface: 'public', url: 'http://a.example:80/v1', region: 'r-legacy' } },
  });
  assert.equal(created.status, 201);
  const ep = created.body.endpoint;
  assert.deepEqual(
    { region: ep.region, region_id: ep.region_id, url: ep.url, enabled: ep.enabled, service_id: ep.service_id },
    { region: 'r-legacy', region_id: 'r-legacy', url: 'http://a.example:80/v1', enabled: true, service_id: s1 },
  );
  assert.match(ep.links.self, new RegExp(`/identity/v3/endpoints/${ep.id}$`));
  assert.equal((await cloud.call('GET', '/identity/v3/regions/r-legacy', { token })).status, 200);

  const noRegion = await cloud.call('POST', E, {
    token,
    body: { endpoint: { service_id: s1, interface: 'public', url: 'http://b.example/', region_id: 'missing' } },
  });
  assert.equal(noRegion.status, 400, 'region_id must name an existing region');
  assert.equal((await cloud.call('GET', '/identity/v3/regions/missing', { token })).status, 404);

  const noService = await cloud.call('POST', E, {
    token,
    body: { endpoint: { service_id: 'nope', interface: 'public', url: 'http://b.example/', region: 'r-new' } },
  });
  assert.equal(noService.status, 400, 'service_id must name an existing service');
  assert.equal(
    (await cloud.call('GET', '/identity/v3/regions/r-new', { token })).status,
    404,
    'a refused endpoint leaves no auto-created region behind',
  );

  const internal = await cloud.call('POST', E, {
    token,
    body: {
      endpoint: {
        service_id: s2,
        interface: 'internal',
        url: 'http://c.example/v2/$(project_id)s',
        region_id: 'r-legacy',
        name: 'ep-name',
      },
    },
  });
  assert.equal(internal.status, 201);
  assert.equal(internal.body.endpoint.name, 'ep-name');

  const upd = await cloud.call('PATCH', `${E}/${ep.id}`, {
    token,
    body: {
      endpoint: { service_id: s2, interface: 'internal', url: 'https://d.example/', region: 'r-two', enabled: false },
    },
  });
  assert.equal(upd.status, 200);
  assert.deepEqual(
    {
      service_id: upd.body.endpoint.service_id,
      interface: upd.body.endpoint.interface,
      url: upd.body.endpoint.url,
      region: upd.body.endpoint.region,
      enabled: upd.body.endpoint.enabled,
    },
    { service_id: s2, interface: 'internal', url: 'https://d.example/', region: 'r-two', enabled: false },
  );
  assert.deepEqual((await cloud.call('GET', `${E}/${ep.id}`, { token })).body.endpoint, upd.body.endpoint);
  const clear = await cloud.call('PATCH', `${E}/${ep.id}`, { token, body: { endpoint: { region_id: null } } });
  assert.equal(clear.body.endpoint.region, null);
  const badSvc = await cloud.call('PATCH', `${E}/${ep.id}`, { token, body: { endpoint: { service_id: 'nope' } } });
  assert.equal(badSvc.status, 400);

  const ids = async (q: string) =>
    (await cloud.call('GET', `${E}${q}`, { token })).body.endpoints.map((e: { id: string }) => e.id).sort();
  assert.deepEqual(await ids(`?service_id=${s2}`), [ep.id, internal.body.endpoint.id].sort());
  assert.deepEqual(await ids(`?service_id=${s2}&region_id=r-legacy`), [internal.body.endpoint.id]);
  assert.ok((await ids('?interface=public')).length >= 1, 'bootstrap endpoints are public');
  assert.ok(!(await ids('?interface=public')).includes(ep.id));

  assert.equal((await cloud.call('DELETE', `${E}/${ep.id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${E}/${ep.id}`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${E}/${ep.id}`, { token })).status, 404);
});

test('endpoints: bad input is 400 (Tempest negative tests), a plain user is refused', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const s = await service(cloud, 'svc');
  const base = { service_id: s, interface: 'public', url: 'http://ok.example/' };
  const bad: Record<string, unknown>[] = [
    { ...base, enabled: 'False' },
    { ...base, enabled: 'True' },
    { ...base, interface: 'private' },
    { ...base, url: 'no-scheme' },
    { ...base, url: `http://${'a'.repeat(230)}` },
    { ...base, url: 'http://x.example/$(tenant)s' },
    { ...base, url: 'http://x.example/%20' },
    { interface: 'public', url: 'http://ok.example/' },
    { service_id: s, url: 'http://ok.example/' },
    { service_id: s, interface: 'public' },
  ];
  for (const endpoint of bad) {
    const res = await cloud.call('POST', E, { token, body: { endpoint } });
    assert.equal(res.status, 400, JSON.stringify(endpoint));
    assert.equal(res.body.error.code, 400);
  }
  const ep = (await cloud.call('POST', E, { token, body: { endpoint: base } })).body.endpoint;
  for (const endpoint of [{ enabled: 'False' }, { enabled: 'True' }, {}, { interface: 'x' }, { id: 'other' }]) {
    const res = await cloud.call('PATCH', `${E}/${ep.id}`, { token, body: { endpoint } });
    assert.equal(res.status, 400, JSON.stringify(endpoint));
  }
  assert.equal((await cloud.call('GET', `${E}?interface=private`, { token })).status, 400);

  const user = await cloud.call('POST', '/identity/v3/users', {
    token,
    body: { user: { name: 'plain', password: 'plain-pw' } },
  });
  assert.equal(user.status, 201);
  const plain = (await cloud.login('plain', 'plain-pw')).token;
  assert.equal((await cloud.call('GET', E, { token: plain })).status, 403);
  assert.equal((await cloud.call('GET', `${E}/${ep.id}`, { token: plain })).status, 403);
  assert.equal((await cloud.call('POST', E, { token: plain, body: { endpoint: base } })).status, 403);
  assert.equal((await cloud.call('DELETE', `${E}/${ep.id}`, { token: plain })).status, 403);
});
