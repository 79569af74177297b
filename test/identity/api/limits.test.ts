import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember } from '../member-fixture.ts';

const RL = '/identity/v3/registered_limits';
const L = '/identity/v3/limits';

async function fixtures(cloud: TestCloud) {
  const token = cloud.adminToken;
  const svc = await cloud.call('POST', '/identity/v3/services', { token, body: { service: { type: 'volume-t' } } });
  const region = await cloud.call('POST', '/identity/v3/regions', { token, body: { region: { id: 'r-lim' } } });
  assert.equal(region.status, 201);
  return { serviceId: svc.body.service.id as string, regionId: 'r-lim' };
}

test('registered limits: create a list, duplicates 409, filters, update, delete', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const { serviceId, regionId } = await fixtures(cloud);

  const created = await cloud.call('POST', RL, {
    token,
    body: {
      registered_limits: [
        { service_id: serviceId, resource_name: 'volumes', default_limit: 10, description: 'vols' },
        { service_id: serviceId, region_id: regionId, resource_name: 'volumes', default_limit: 5 },
      ],
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.links, undefined, 'Keystone answers the created list without links');
  const [global, regional] = created.body.registered_limits;
  assert.deepEqual(
    { ...global, id: undefined, links: undefined },
    {
      id: undefined,
      links: undefined,
      service_id: serviceId,
      region_id: null,
      resource_name: 'volumes',
      default_limit: 10,
      description: 'vols',
    },
  );
  assert.equal(regional.region_id, regionId);
  assert.equal(regional.description, null);
  assert.match(global.links.self, new RegExp(`/identity/v3/registered_limits/${global.id}$`));

  const dup = await cloud.call('POST', RL, {
    token,
    body: {
      registered_limits: [
        { service_id: serviceId, resource_name: 'snapshots', default_limit: 1 },
        { service_id: serviceId, resource_name: 'volumes', default_limit: 1 },
      ],
    },
  });
  assert.equal(dup.status, 409);
  const afterDup = await cloud.call('GET', RL, { token });
  assert.equal(afterDup.body.registered_limits.length, 2, 'a refused batch creates nothing');
  const inBatch = await cloud.call('POST', RL, {
    token,
    body: {
      registered_limits: [
        { service_id: serviceId, resource_name: 'gigabytes', default_limit: 1 },
        { service_id: serviceId, resource_name: 'gigabytes', default_limit: 2 },
      ],
    },
  });
  assert.equal(inBatch.status, 409, 'duplicates within one request conflict too');

  const racers = await Promise.all(
    Array.from({ length: 5 }, () =>
      cloud.call('POST', RL, {
        token,
        body: { registered_limits: [{ service_id: serviceId, resource_name: 'raced', default_limit: 1 }] },
      }),
    ),
  );
  assert.deepEqual(
    racers.map((r) => r.status).sort(),
    [201, 409, 409, 409, 409],
    'concurrent duplicates: exactly one wins',
  );
  await cloud.call('DELETE', `${RL}/${racers.find((r) => r.status === 201)?.body.registered_limits[0].id}`, { token });

  const ids = async (q: string) =>
    (await cloud.call('GET', `${RL}${q}`, { token })).body.registered_limits.map((r: { id: string }) => r.id);
  assert.deepEqual(await ids(`?region_id=${regionId}`), [regional.id]);
  assert.deepEqual((await ids(`?service_id=${serviceId}&resource_name=volumes`)).length, 2);
  assert.deepEqual(await ids('?resource_name=nothing'), []);

  const shown = await cloud.call('GET', `${RL}/${global.id}`, { token });
  assert.deepEqual(shown.body.registered_limit, global);
  assert.equal((await cloud.call('HEAD', `${RL}/${global.id}`, { token })).status, 200);

  const upd = await cloud.call('PATCH', `${RL}/${global.id}`, {
    token,
    body: { registered_limit: { default_limit: 20, description: null } },
  });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.registered_limit.default_limit, 20);
  assert.equal(upd.body.registered_limit.description, null);
  const clash = await cloud.call('PATCH', `${RL}/${regional.id}`, {
    token,
    body: { registered_limit: { region_id: null } },
  });
  assert.equal(clash.status, 409, 'moving onto an existing triple conflicts');

  assert.equal((await cloud.call('DELETE', `${RL}/${regional.id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${RL}/${regional.id}`, { token })).status, 404);
});

test('limits: need a registered limit, domain or project, visibility by scope, update, delete, model', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const { serviceId, regionId } = await fixtures(cloud);
  const alice = await createMember(cloud, 'alice');
  const bob = await createMember(cloud, 'bob');
  await cloud.call('POST', RL, {
    token,
    body: {
      registered_limits: [{ service_id: serviceId, region_id: regionId, resource_name: 'cores', default_limit: 4 }],
    },
  });
  const rl = (await cloud.call('GET', RL, { token })).body.registered_limits[0];

  const orphan = await cloud.call('POST', L, {
    token,
    body: { limits: [{ project_id: alice.projectId, service_id: serviceId, resource_name: 'ram', resource_limit: 1 }] },
  });
  assert.equal(orphan.status, 403, 'Keystone answers 403 when no registered limit matches');

  const base = { service_id: serviceId, region_id: regionId, resource_name: 'cores' };
  const created = await cloud.call('POST', L, {
    token,
    body: {
      limits: [
        { ...base, project_id: alice.projectId, resource_limit: 8, description: 'alice' },
        { ...base, project_id: bob.projectId, resource_limit: 2 },
        { ...base, project_id: 'default', resource_limit: 100 },
      ],
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.links, undefined);
  const [forAlice, forBob, forDomain] = created.body.limits;
  assert.deepEqual(
    { ...forAlice, id: undefined, links: undefined },
    {
      id: undefined,
      links: undefined,
      project_id: alice.projectId,
      domain_id: null,
      service_id: serviceId,
      region_id: regionId,
      resource_name: 'cores',
      resource_limit: 8,
      description: 'alice',
    },
  );
  assert.equal(forDomain.domain_id, 'default', 'a project id naming a domain makes a domain limit');
  assert.equal(forDomain.project_id, null);

  const dup = await cloud.call('POST', L, {
    token,
    body: { limits: [{ ...base, project_id: alice.projectId, resource_limit: 9 }] },
  });
  assert.equal(dup.status, 409);

  const ids = async (q: string, as = token) =>
    (await cloud.call('GET', `${L}${q}`, { token: as })).body.limits.map((l: { id: string }) => l.id).sort();
  assert.deepEqual(await ids(''), [forAlice.id, forBob.id, forDomain.id].sort());
  assert.deepEqual(await ids(`?project_id=${bob.projectId}`), [forBob.id]);
  assert.deepEqual(await ids('?domain_id=default'), [forDomain.id]);
  assert.deepEqual(await ids('', alice.token), [forAlice.id], 'a member sees their project only');
  assert.deepEqual(await ids(`?project_id=${bob.projectId}`, alice.token), []);
  assert.equal((await cloud.call('GET', `${L}/${forAlice.id}`, { token: alice.token })).status, 200);
  assert.equal((await cloud.call('GET', `${L}/${forBob.id}`, { token: alice.token })).status, 403);

  const moved = await cloud.call('PATCH', `${RL}/${rl.id}`, {
    token,
    body: { registered_limit: { resource_name: 'vcpus' } },
  });
  assert.equal(moved.status, 403, 'a registered limit with limits under it keeps its triple');
  assert.equal((await cloud.call('DELETE', `${RL}/${rl.id}`, { token })).status, 403);

  const upd = await cloud.call('PATCH', `${L}/${forAlice.id}`, {
    token,
    body: { limit: { resource_limit: 0, description: 'zero' } },
  });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.limit.resource_limit, 0);
  assert.equal(upd.body.limit.description, 'zero');
  assert.equal(
    (await cloud.call('PATCH', `${L}/${forAlice.id}`, { token: alice.token, body: { limit: { resource_limit: 99 } } }))
      .status,
    403,
  );

  const model = await cloud.call('GET', `${L}/model`, { token: alice.token });
  assert.equal(model.status, 200);
  assert.equal(model.body.model.name, 'flat');
  assert.equal(typeof model.body.model.description, 'string');

  for (const l of [forAlice, forBob, forDomain])
    assert.equal((await cloud.call('DELETE', `${L}/${l.id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${L}/${forAlice.id}`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${RL}/${rl.id}`, { token })).status, 204);
});

test('limits and registered limits: bad input is 400, writes are admin only', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const { serviceId } = await fixtures(cloud);
  const alice = await createMember(cloud, 'alice');
  const rl = { service_id: serviceId, resource_name: 'r', default_limit: 1 };
  const badRegistered: unknown[] = [
    { registered_limits: [] },
    { registered_limits: [{ ...rl, default_limit: -2 }] },
    { registered_limits: [{ ...rl, default_limit: 2 ** 31 }] },
    { registered_limits: [{ ...rl, default_limit: 1.5 }] },
    { registered_limits: [{ ...rl, resource_name: '' }] },
    { registered_limits: [{ ...rl, extra: 1 }] },
    { registered_limits: [{ ...rl, service_id: 'nope' }] },
    { registered_limits: [{ ...rl, region_id: 'nope' }] },
    { registered_limits: [{ service_id: serviceId, resource_name: 'r' }] },
    { registered_limit: rl },
  ];
  for (const body of badRegistered) {
    const res = await cloud.call('POST', RL, { token, body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.error.code, 400);
  }
  assert.equal((await cloud.call('POST', RL, { token, body: { registered_limits: [rl] } })).status, 201);
  const lim = { service_id: serviceId, resource_name: 'r', resource_limit: 1 };
  const badLimits: unknown[] = [
    { limits: [lim] },
    { limits: [{ ...lim, project_id: alice.projectId, domain_id: 'default' }] },
    { limits: [{ ...lim, project_id: 'nope' }] },
    { limits: [{ ...lim, domain_id: 'nope' }] },
    { limits: [{ ...lim, project_id: alice.projectId, resource_limit: 'x' }] },
    { limits: [{ ...lim, project_id: alice.projectId, id: 'x' }] },
  ];
  for (const body of badLimits) {
    const res = await cloud.call('POST', L, { token, body });
    assert.equal(res.status, 400, JSON.stringify(body));
  }
  const made = await cloud.call('POST', L, { token, body: { limits: [{ ...lim, project_id: alice.projectId }] } });
  assert.equal(made.status, 201);
  const id = made.body.limits[0].id;
  for (const limit of [{ resource_limit: -5 }, { project_id: 'x' }, { description: 7 }]) {
    assert.equal((await cloud.call('PATCH', `${L}/${id}`, { token, body: { limit } })).status, 400);
  }

  assert.equal((await cloud.call('GET', RL, { token: alice.token })).status, 200, 'reads are open');
  assert.equal(
    (await cloud.call('POST', RL, { token: alice.token, body: { registered_limits: [{ ...rl, resource_name: 'q' }] } }))
      .status,
    403,
  );
  assert.equal(
    (await cloud.call('POST', L, { token: alice.token, body: { limits: [{ ...lim, project_id: alice.projectId }] } }))
      .status,
    403,
  );
  assert.equal((await cloud.call('DELETE', `${L}/${id}`, { token: alice.token })).status, 403);
  assert.equal((await cloud.call('GET', L)).status, 401);
});
