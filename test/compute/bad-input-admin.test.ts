import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MISSING, type NovaCase, nova, novaCall, runNovaCases } from './bad-input-cases.ts';
import { type BadInputCloud, badInputCloud } from './bad-input-fixture.ts';

const PUBLIC_KEY =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDx8nkQv/zgGgB4rMYmIf+6A4l6Rr+o/6lHBQdW5aiS5SJw4a1Wm+9pmBGY0gY47Qa4a' +
  'WXyZBGYQqVdGlMDOaYQ6XtEsAdwBzvnYqpT2fyEu7NO+Y4hX1upJlKrSPOwJ3GyITXXDv5Mkz9Wx3rWYHCzvrYw+i3WQjB8c2M3S2MaOw== bad@strata';

interface Made {
  flavor: string;
  group: string;
  aggregate: string;
  aggregateWithHost: string;
  host: string;
}

function flavorCases(f: BadInputCloud, m: Made): NovaCase[] {
  const admin = { token: f.cloud.adminToken };
  const flavor = (name: string, status: number, extra: Record<string, unknown>, more: Partial<NovaCase> = {}) =>
    nova(name, status, 'POST', '/flavors', {
      ...admin,
      body: { flavor: { name: `f-${name.length}`, ram: 64, vcpus: 1, disk: 1, ...extra } },
      ...more,
    });
  return [
    nova('flavor: show unknown', 404, 'GET', '/flavors/no-such-flavor'),
    flavor('flavor create by a member', 403, {}, { token: f.alice.token }),
    flavor('flavor create: ram 0', 400, { ram: 0 }),
    flavor('flavor create: vcpus 0', 400, { vcpus: 0 }),
    flavor('flavor create: disk -1', 400, { disk: -1 }),
    flavor('flavor create: empty name', 400, { name: '' }),
    flavor('flavor create: name of 256 characters', 400, { name: 'f'.repeat(256) }),
    flavor('flavor create: ram not a number', 400, { ram: 'lots' }),
    flavor('flavor create: negative swap', 400, { swap: -1 }),
    flavor('flavor create: rxtx_factor 0', 400, { rxtx_factor: 0 }),
    flavor('flavor create: negative ephemeral', 400, { 'OS-FLV-EXT-DATA:ephemeral': -1 }),
    flavor('flavor create: is_public not a boolean', 400, { 'os-flavor-access:is_public': 'sometimes' }),
    flavor('flavor create: unknown key', 400, { colour: 'blue' }),
    flavor('flavor create: description before 2.55', 400, { description: 'early' }),
    flavor('flavor create: id already used', 409, { id: m.flavor, name: 'another name' }),
    flavor('flavor create: name already used', 409, { name: 'bad.admin' }),
    nova('flavor delete: unknown', 404, 'DELETE', '/flavors/no-such-flavor', admin),
    nova('extra specs: set by a member', 403, 'POST', `/flavors/${m.flavor}/os-extra_specs`, {
      body: { extra_specs: { 'hw:cpu_policy': 'shared' } },
    }),
    nova('extra specs: value an object', 400, 'POST', `/flavors/${m.flavor}/os-extra_specs`, {
      ...admin,
      body: { extra_specs: { 'hw:cpu_policy': { a: 1 } } },
    }),
    nova('extra specs: key of 256 characters', 400, 'POST', `/flavors/${m.flavor}/os-extra_specs`, {
      ...admin,
      body: { extra_specs: { ['k'.repeat(256)]: 'v' } },
    }),
    nova('extra specs: invalid value of a known key at 2.86', 400, 'POST', `/flavors/${m.flavor}/os-extra_specs`, {
      ...admin,
      version: '2.86',
      body: { extra_specs: { 'hw:cpu_policy': 'sometimes' } },
    }),
    nova('extra specs: show an unset key', 404, 'GET', `/flavors/${m.flavor}/os-extra_specs/hw:numa_nodes`, admin),
    nova('extra specs: update with a key not in the path', 400, 'PUT', `/flavors/${m.flavor}/os-extra_specs/a`, {
      ...admin,
      body: { b: 'v' },
    }),
    nova('flavor access: list on a public flavor', 404, 'GET', '/flavors/42/os-flavor-access', admin),
    nova('flavor access: add to a public flavor', 409, 'POST', '/flavors/42/action', {
      ...admin,
      body: { addTenantAccess: { tenant: f.alice.projectId } },
    }),
    nova('flavor access: remove what was never granted', 404, 'POST', `/flavors/${f.privateFlavor}/action`, {
      ...admin,
      body: { removeTenantAccess: { tenant: f.bob.projectId } },
    }),
  ];
}

function keypairCases(): NovaCase[] {
  const post = (name: string, status: number, keypair: Record<string, unknown>, more: Partial<NovaCase> = {}) =>
    nova(name, status, 'POST', '/os-keypairs', { body: { keypair }, ...more });
  return [
    post('keypair: empty name', 400, { name: '' }),
    post('keypair: name of 256 characters', 400, { name: 'k'.repeat(256) }),
    post('keypair: public key not a key', 400, { name: 'junk', public_key: 'not a key' }),
    post('keypair: name already used', 409, { name: 'taken', public_key: PUBLIC_KEY }),
    post('keypair: unknown type at 2.2', 400, { name: 'typed', type: 'pgp' }, { version: '2.2' }),
    post('keypair: type before 2.2', 400, { name: 'typed', type: 'ssh' }),
    post('keypair: generation removed at 2.92', 400, { name: 'gen' }, { version: '2.92' }),
    post('keypair: unknown key', 400, { name: 'x', colour: 'blue' }),
    nova('keypair: show unknown', 404, 'GET', '/os-keypairs/no-such-key'),
    nova('keypair: delete unknown', 404, 'DELETE', '/os-keypairs/no-such-key'),
  ];
}

function groupAggregateQuotaCases(f: BadInputCloud, m: Made): NovaCase[] {
  const admin = { token: f.cloud.adminToken };
  const group = (name: string, body: Record<string, unknown>, more: Partial<NovaCase> = {}) =>
    nova(name, 400, 'POST', '/os-server-groups', { body: { server_group: body }, ...more });
  const quota = (name: string, status: number, quota_set: Record<string, unknown>, more: Partial<NovaCase> = {}) =>
    nova(name, status, 'PUT', `/os-quota-sets/${f.alice.projectId}`, { ...admin, body: { quota_set }, ...more });
  return [
    group('server group: unknown policy', { name: 'g', policies: ['together'] }),
    group('server group: empty name', { name: '', policies: ['affinity'] }),
    group('server group: soft-affinity before 2.15', { name: 'g', policies: ['soft-affinity'] }),
    group('server group: policies list at 2.64', { name: 'g', policies: ['affinity'] }, { version: '2.64' }),
    group(
      'server group: rules with affinity at 2.64',
      {
        name: 'g',
        policy: 'affinity',
        rules: { max_server_per_host: 2 },
      },
      { version: '2.64' },
    ),
    nova('server group: show unknown', 404, 'GET', `/os-server-groups/${MISSING}`),
    // Nova finds the group first, then applies the show policy to its project: 403, not 404.
    nova("server group: another project's", 403, 'GET', `/os-server-groups/${m.group}`, { token: f.bob.token }),
    nova('aggregate: create by a member', 403, 'POST', '/os-aggregates', { body: { aggregate: { name: 'mine' } } }),
    nova('aggregate: empty name', 400, 'POST', '/os-aggregates', { ...admin, body: { aggregate: { name: '' } } }),
    nova('aggregate: name already used', 409, 'POST', '/os-aggregates', {
      ...admin,
      body: { aggregate: { name: 'bad-agg' } },
    }),
    nova('aggregate: show unknown', 404, 'GET', '/os-aggregates/999999', admin),
    nova('aggregate: add an unknown host', 404, 'POST', `/os-aggregates/${m.aggregate}/action`, {
      ...admin,
      body: { add_host: { host: 'no-such-host' } },
    }),
    nova('aggregate: add a host twice', 409, 'POST', `/os-aggregates/${m.aggregateWithHost}/action`, {
      ...admin,
      body: { add_host: { host: m.host } },
    }),
    nova('aggregate: remove a host not in it', 404, 'POST', `/os-aggregates/${m.aggregate}/action`, {
      ...admin,
      body: { remove_host: { host: m.host } },
    }),
    nova('aggregate: delete one with hosts', 400, 'DELETE', `/os-aggregates/${m.aggregateWithHost}`, admin),
    quota('quota set: instances not a number', 400, { instances: 'many' }),
    quota('quota set: instances -2', 400, { instances: -2 }),
    quota('quota set: unknown resource', 400, { colours: 3 }),
    quota('quota set by a member', 403, { instances: 50 }, { token: f.alice.token }),
    nova("quota show: another project's by a member", 403, 'GET', `/os-quota-sets/${f.bob.projectId}`),
    nova('quota set: network resources at 2.36', 400, 'PUT', `/os-quota-sets/${f.alice.projectId}`, {
      ...admin,
      version: '2.36',
      body: { quota_set: { floating_ips: 10 } },
    }),
  ];
}

test('Compute bad input: flavors, extra specs and access, key pairs, server groups, aggregates, quota sets', {
  timeout: 300_000,
}, async (t) => {
  const f = await badInputCloud(t);
  const must = async (method: string, path: string, token: string, body: unknown, status: number) => {
    const res = await novaCall(f.cloud, method, path, { token, body });
    assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const admin = f.cloud.adminToken;
  const flavor = (
    await must('POST', '/flavors', admin, { flavor: { name: 'bad.admin', ram: 64, vcpus: 1, disk: 1 } }, 200)
  ).flavor.id;
  await must('POST', '/os-keypairs', f.alice.token, { keypair: { name: 'taken', public_key: PUBLIC_KEY } }, 200);
  const group = (
    await must('POST', '/os-server-groups', f.alice.token, { server_group: { name: 'g', policies: ['affinity'] } }, 200)
  ).server_group.id;
  const services = await must('GET', '/os-services?binary=nova-compute', admin, undefined, 200);
  const host = services.services[0].host as string;
  const aggregate = (await must('POST', '/os-aggregates', admin, { aggregate: { name: 'bad-agg' } }, 200)).aggregate.id;
  const aggregateWithHost = (await must('POST', '/os-aggregates', admin, { aggregate: { name: 'bad-agg-host' } }, 200))
    .aggregate.id;
  await must('POST', `/os-aggregates/${aggregateWithHost}/action`, admin, { add_host: { host } }, 200);
  const made: Made = { flavor, group, aggregate, aggregateWithHost, host };
  const flavorsBefore = (await must('GET', '/flavors', admin, undefined, 200)).flavors.length;
  const quotaBefore = (await must('GET', `/os-quota-sets/${f.alice.projectId}`, admin, undefined, 200)).quota_set;

  await runNovaCases(t, f.cloud, f.alice.token, [
    ...flavorCases(f, made),
    ...keypairCases(),
    ...groupAggregateQuotaCases(f, made),
  ]);

  await t.test('no failed request left a flavor, key pair, group or quota change behind', async () => {
    assert.equal((await must('GET', '/flavors', admin, undefined, 200)).flavors.length, flavorsBefore);
    const keys = (await must('GET', '/os-keypairs', f.alice.token, undefined, 200)).keypairs;
    assert.deepEqual(
      keys.map((k: { keypair: { name: string } }) => k.keypair.name),
      ['taken'],
    );
    const groups = (await must('GET', '/os-server-groups', f.alice.token, undefined, 200)).server_groups;
    assert.deepEqual(
      groups.map((g: { id: string }) => g.id),
      [group],
    );
    const specs = (await must('GET', `/flavors/${flavor}/os-extra_specs`, admin, undefined, 200)).extra_specs;
    assert.deepEqual(specs, {});
    const aggregates = (await must('GET', '/os-aggregates', admin, undefined, 200)).aggregates;
    assert.equal(aggregates.length, 2);
    assert.deepEqual(aggregates.find((a: { id: number }) => a.id === aggregate).hosts, []);
    const quotaAfter = (await must('GET', `/os-quota-sets/${f.alice.projectId}`, admin, undefined, 200)).quota_set;
    assert.deepEqual(quotaAfter, quotaBefore);
  });
});
