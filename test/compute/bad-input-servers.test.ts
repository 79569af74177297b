import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  act,
  action,
  assertNovaError,
  bootServer,
  MISSING,
  type NovaCase,
  nova,
  novaCall,
  runNovaCases,
  serverIds,
  waitForServer,
} from './bad-input-cases.ts';
import { type BadInputCloud, badInputCloud } from './bad-input-fixture.ts';

interface Servers {
  /** ACTIVE, unlocked. */
  active: string;
  /** SHUTOFF. */
  stopped: string;
  /** ACTIVE, locked by its owner (a member: every action but unlock is refused). */
  locked: string;
  /** A port already bound to `active`. */
  usedPort: string;
}

function createCases(f: BadInputCloud, s: Servers): NovaCase[] {
  const server = (extra: Record<string, unknown>) => ({
    name: 'bad',
    imageRef: f.imageId,
    flavorRef: '42',
    networks: [{ uuid: f.networkId }],
    ...extra,
  });
  const create = (name: string, status: number, extra: Record<string, unknown>, more: Partial<NovaCase> = {}) =>
    nova(name, status, 'POST', '/servers', { body: { server: server(extra) }, ...more });
  const shape = (name: string, extra: Record<string, unknown>, more: Partial<NovaCase> = {}) =>
    create(name, 400, extra, more);
  return [
    shape('create: no flavorRef', { flavorRef: undefined }),
    shape('create: unknown flavor', { flavorRef: '999999' }),
    shape('create: private flavor without access', { flavorRef: f.privateFlavor }),
    shape('create: unknown image', { imageRef: MISSING }, { message: 'Can not find requested image' }),
    shape('create: image ref neither a UUID nor a URL', { imageRef: 'not an image' }),
    shape('create: empty image and no block device', { imageRef: '' }),
    shape('create: unknown network', { networks: [{ uuid: MISSING }] }, { message: MISSING }),
    shape('create: network uuid not a UUID', { networks: [{ uuid: 'net-1' }] }),
    shape('create: unknown port', { networks: [{ port: MISSING }] }, { message: MISSING }),
    create('create: port in use by another server', 409, { networks: [{ port: s.usedPort }] }),
    shape('create: fixed IP not an address', { networks: [{ uuid: f.networkId, fixed_ip: '10.30.0.300' }] }),
    shape('create: fixed IP with max_count 2', {
      networks: [{ uuid: f.networkId, fixed_ip: '10.30.0.50' }],
      max_count: 2,
    }),
    shape('create: networks a string before 2.37', { networks: 'auto' }, { version: '2.36' }),
    shape('create: no networks at 2.37', { networks: undefined }, { version: '2.37' }),
    shape('create: networks neither auto, none nor a list at 2.37', { networks: 'some' }, { version: '2.37' }),
    shape('create: unknown key in the server', { colour: 'blue' }),
    shape('create: name of 256 characters', { name: 'n'.repeat(256) }),
    shape('create: empty name', { name: '' }),
    shape('create: name with only spaces', { name: '   ' }),
    shape('create: numeric name', { name: 12345 }),
    shape('create: user_data not base64', { user_data: 'this is not base64!' }),
    shape('create: metadata value not a string', { metadata: { a: 1 } }),
    shape('create: metadata key of 256 characters', { metadata: { ['k'.repeat(256)]: 'v' } }),
    create('create: 129 metadata items (quota 128)', 403, {
      metadata: Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, 'v'])),
    }),
    shape('create: min_count above max_count', { min_count: 3, max_count: 2 }),
    shape('create: min_count 0', { min_count: 0 }),
    shape('create: unknown key pair', { key_name: 'no-such-key' }, { message: 'Invalid key_name provided.' }),
    shape('create: unknown availability zone', { availability_zone: 'nowhere' }),
    shape('create: unknown security group', { security_groups: [{ name: 'no-such-group' }] }),
    shape('create: accessIPv4 not an address', { accessIPv4: '1.2.3' }),
    shape('create: accessIPv6 not an address', { accessIPv6: 'zz::1' }),
    shape('create: description before 2.19', { description: 'too early' }),
    shape('create: description of 256 characters at 2.19', { description: 'd'.repeat(256) }, { version: '2.19' }),
    shape('create: tag with a slash at 2.52', { tags: ['a/b'] }, { version: '2.52' }),
    shape('create: 51 tags at 2.52', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, { version: '2.52' }),
    shape('create: tags before 2.52', { tags: ['early'] }, { version: '2.51' }),
    nova('create: no server key', 400, 'POST', '/servers', { body: { name: 'x' } }),
    nova('create: body not JSON', 400, 'POST', '/servers', { raw: '{"server": ' }),
  ];
}

function stateCases(f: BadInputCloud, s: Servers): NovaCase[] {
  const v273 = { version: '2.73' };
  return [
    action('action: unknown action', 400, s.active, { colourise: null }),
    action('reboot: type MEDIUM', 400, s.active, { reboot: { type: 'MEDIUM' } }),
    action('reboot: no type', 400, s.active, { reboot: {} }),
    action('start: an ACTIVE server', 409, s.active, { 'os-start': null }, { message: 'vm_state active' }),
    action('stop: a SHUTOFF server', 409, s.stopped, { 'os-stop': null }, { message: 'vm_state stopped' }),
    action('pause: a SHUTOFF server', 409, s.stopped, { pause: null }),
    action('unpause: an ACTIVE server', 409, s.active, { unpause: null }),
    action('resume: an ACTIVE server', 409, s.active, { resume: null }),
    action('unrescue: an ACTIVE server', 409, s.active, { unrescue: null }),
    action('unshelve: an ACTIVE server', 409, s.active, { unshelve: null }),
    action('restore: a server that is not soft-deleted', 409, s.active, { restore: null }),
    // Nova checks the vm_state (resized) before it looks for the migration: 409, not 'has not been resized'.
    action('confirmResize: a server never resized', 409, s.active, { confirmResize: null }),
    action('revertResize: a server never resized', 409, s.active, { revertResize: null }),
    action('resize: to the flavor it has', 400, s.active, { resize: { flavorRef: '42' } }),
    action('resize: unknown flavor', 400, s.active, { resize: { flavorRef: '999999' } }),
    action('resize: null flavor', 400, s.active, { resize: { flavorRef: '' } }),
    action('rebuild: unknown image', 400, s.active, { rebuild: { imageRef: MISSING } }),
    action('createImage: no name', 400, s.active, { createImage: {} }),
    action('createImage: name of 256 characters', 400, s.active, { createImage: { name: 'i'.repeat(256) } }),
    action('console output: length not a number', 400, s.active, { 'os-getConsoleOutput': { length: 'ten' } }),
    action('addSecurityGroup: unknown group', 404, s.active, { addSecurityGroup: { name: 'no-such-group' } }),
    action('lock: locked_reason of 256 characters', 400, s.active, { lock: { locked_reason: 'r'.repeat(256) } }, v273),
    action('resetState by a member', 403, s.active, { 'os-resetState': { state: 'error' } }),
    action(
      'resetState: unknown state',
      400,
      s.active,
      { 'os-resetState': { state: 'bogus' } },
      {
        token: f.cloud.adminToken,
      },
    ),
    action(
      'locked: stop by a member',
      409,
      s.locked,
      { 'os-stop': null },
      { message: `Instance ${s.locked} is locked` },
    ),
    action('locked: reboot by a member', 409, s.locked, { reboot: { type: 'SOFT' } }),
    nova('locked: delete by a member', 409, 'DELETE', `/servers/${s.locked}`),
    action('action on an unknown server', 404, MISSING, { reboot: { type: 'HARD' } }),
    nova('show an unknown server', 404, 'GET', `/servers/${MISSING}`),
    nova('delete a server id of 37 characters', 404, 'DELETE', `/servers/${'a'.repeat(37)}`),
    nova('update: empty name', 400, 'PUT', `/servers/${s.active}`, { body: { server: { name: '' } } }),
    nova('update: name of 256 characters', 400, 'PUT', `/servers/${s.active}`, {
      body: { server: { name: 'n'.repeat(256) } },
    }),
    nova('update: unknown key', 400, 'PUT', `/servers/${s.active}`, { body: { server: { flavorRef: '84' } } }),
  ];
}

function otherProjectCases(f: BadInputCloud, s: Servers): NovaCase[] {
  const bob = { token: f.bob.token };
  return [
    nova("other project's server: show", 404, 'GET', `/servers/${s.active}`, bob),
    nova("other project's server: update", 404, 'PUT', `/servers/${s.active}`, {
      ...bob,
      body: { server: { name: 'mine now' } },
    }),
    nova("other project's server: delete", 404, 'DELETE', `/servers/${s.active}`, bob),
    action("other project's server: reboot", 404, s.active, { reboot: { type: 'SOFT' } }, bob),
    nova("other project's server: metadata", 404, 'GET', `/servers/${s.active}/metadata`, bob),
    nova("other project's server: actions", 404, 'GET', `/servers/${s.active}/os-instance-actions`, bob),
    nova("other project's server: interfaces", 404, 'GET', `/servers/${s.active}/os-interface`, bob),
  ];
}

function listAndVersionCases(): NovaCase[] {
  return [
    nova('list: changes-since not a date', 400, 'GET', '/servers?changes-since=yesterday'),
    nova('list: negative limit', 400, 'GET', '/servers?limit=-1'),
    nova('list: limit not a number', 400, 'GET', '/servers?limit=ten'),
    nova('list: unknown marker', 400, 'GET', `/servers?marker=${MISSING}`, { message: 'marker' }),
    nova('list: unknown status at 2.38', 400, 'GET', '/servers/detail?status=SLEEPING', { version: '2.38' }),
    nova('list: unknown sort key', 400, 'GET', '/servers?sort_key=colour'),
    nova('list: unknown query parameter at 2.75', 400, 'GET', '/servers?colour=blue', { version: '2.75' }),
    nova('microversion: malformed', 400, 'GET', '/servers', { headers: { 'openstack-api-version': 'compute 2.x' } }),
    nova('microversion: legacy header malformed', 400, 'GET', '/servers', {
      headers: { 'x-openstack-nova-api-version': 'two' },
    }),
    nova('microversion: 3.0 out of range', 406, 'GET', '/servers', { version: '3.0' }),
    nova('microversion: 2.1000 out of range', 406, 'GET', '/servers', { version: '2.1000' }),
    nova('microversion: 1.1 below the minimum', 406, 'GET', '/servers', { version: '1.1' }),
  ];
}

test('Compute bad input: servers (create, actions in the wrong state, locks, other projects, lists, versions)', {
  timeout: 300_000,
}, async (t) => {
  const f = await badInputCloud(t);
  const token = f.alice.token;
  const boot = (name: string) =>
    bootServer(f.cloud, token, { name, imageRef: f.imageId, flavorRef: '42', networkId: f.networkId });
  const [active, stopped, locked] = [await boot('active'), await boot('stopped'), await boot('locked')];
  await act(f.cloud, token, stopped, { 'os-stop': null });
  await waitForServer(f.cloud, token, stopped, 'SHUTOFF');
  await act(f.cloud, token, locked, { lock: null });
  const ports = await f.cloud.call('GET', `/networking/v2.0/ports?device_id=${active}`, { token });
  assert.equal(ports.body.ports.length, 1, JSON.stringify(ports.body));
  const s: Servers = { active, stopped, locked, usedPort: ports.body.ports[0].id };
  const before = await serverIds(f.cloud, token);

  await runNovaCases(t, f.cloud, token, [
    ...createCases(f, s),
    ...stateCases(f, s),
    ...otherProjectCases(f, s),
    ...listAndVersionCases(),
  ]);

  await t.test('no failed request left a server behind or changed one', async () => {
    assert.deepEqual(await serverIds(f.cloud, token), before);
    const shown = await waitForServer(f.cloud, token, active, 'ACTIVE');
    assert.equal(shown.name, 'active');
    assert.equal(shown.flavor.id, '42');
    assert.equal((await waitForServer(f.cloud, token, stopped, 'SHUTOFF')).name, 'stopped');
  });
});

test('Compute bad input: quotas refuse with 403 and leave nothing half made', { timeout: 120_000 }, async (t) => {
  const f = await badInputCloud(t);
  const token = f.alice.token;
  const quota = await novaCall(f.cloud, 'PUT', `/os-quota-sets/${f.alice.projectId}`, {
    token: f.cloud.adminToken,
    body: { quota_set: { instances: 1, cores: 2 } },
  });
  assert.equal(quota.status, 200, JSON.stringify(quota.body));
  const body = (extra: Record<string, unknown>) => ({
    server: { name: 'q', imageRef: f.imageId, flavorRef: '42', networks: [{ uuid: f.networkId }], ...extra },
  });
  const portsBefore = (await f.cloud.call('GET', '/networking/v2.0/ports', { token })).body.ports.length;

  const multi = await novaCall(f.cloud, 'POST', '/servers', { token, body: body({ min_count: 2, max_count: 2 }) });
  assertNovaError(multi, 403, 'forbidden', /Quota exceeded for instances/);
  assert.deepEqual(await serverIds(f.cloud, token), [], 'a refused multi-create makes no server');

  // m1.small has 1 vCPU but 2048 MB: ram is within 51,200; a 3-vCPU flavor passes the 2 cores.
  const cores = await novaCall(f.cloud, 'POST', '/flavors', {
    token: f.cloud.adminToken,
    body: { flavor: { name: 'q.cores', ram: 64, vcpus: 3, disk: 1, id: 'q-cores' } },
  });
  assert.equal(cores.status, 200, JSON.stringify(cores.body));
  const wide = await novaCall(f.cloud, 'POST', '/servers', { token, body: body({ flavorRef: 'q-cores' }) });
  assertNovaError(wide, 403, 'forbidden', /Quota exceeded for cores/);

  const id = await bootServer(f.cloud, token, {
    name: 'one',
    imageRef: f.imageId,
    flavorRef: '42',
    networkId: f.networkId,
  });
  const second = await novaCall(f.cloud, 'POST', '/servers', { token, body: body({ name: 'two' }) });
  assertNovaError(second, 403, 'forbidden', /Quota exceeded for instances/);
  assert.deepEqual(await serverIds(f.cloud, token), [id]);
  const resize = await novaCall(f.cloud, 'POST', `/servers/${id}/action`, {
    token,
    body: { resize: { flavorRef: 'q-cores' } },
  });
  assertNovaError(resize, 403, 'forbidden', /Quota exceeded for cores/);
  assert.equal((await waitForServer(f.cloud, token, id, 'ACTIVE')).flavor.id, '42');
  const ports = (await f.cloud.call('GET', '/networking/v2.0/ports', { token })).body.ports.length;
  assert.equal(ports, portsBefore + 1, 'only the one server got a port');
});
