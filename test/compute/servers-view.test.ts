import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverFixture } from './servers-fixture.ts';

const BASE = [
  'OS-DCF:diskConfig',
  'accessIPv4',
  'accessIPv6',
  'addresses',
  'created',
  'flavor',
  'hostId',
  'id',
  'image',
  'links',
  'metadata',
  'name',
  'progress',
  'status',
  'tenant_id',
  'updated',
  'user_id',
];
const DETAIL_21 = [
  ...BASE,
  'OS-EXT-AZ:availability_zone',
  'OS-EXT-STS:power_state',
  'OS-EXT-STS:task_state',
  'OS-EXT-STS:vm_state',
  'OS-SRV-USG:launched_at',
  'OS-SRV-USG:terminated_at',
  'config_drive',
  'key_name',
  'os-extended-volumes:volumes_attached',
  'security_groups',
];
const ADMIN_21 = ['OS-EXT-SRV-ATTR:host', 'OS-EXT-SRV-ATTR:hypervisor_hostname', 'OS-EXT-SRV-ATTR:instance_name'];
const ADMIN_23 = [
  'OS-EXT-SRV-ATTR:hostname',
  'OS-EXT-SRV-ATTR:kernel_id',
  'OS-EXT-SRV-ATTR:launch_index',
  'OS-EXT-SRV-ATTR:ramdisk_id',
  'OS-EXT-SRV-ATTR:reservation_id',
  'OS-EXT-SRV-ATTR:root_device_name',
  'OS-EXT-SRV-ATTR:user_data',
];
const sorted = (a: string[]) => [...a].sort();

test('the server view per microversion has exactly the fields Tempest schemas allow', async (t) => {
  const f = await serverFixture(t);
  const uuid = await f.boot({ name: 'viewed' });
  await f.waitFor(uuid, 'ACTIVE');
  const show = async (mv: string) => {
    const res = await f.compute('GET', `/servers/${uuid}`, { mv });
    assert.equal(res.status, 200);
    return res.body.server;
  };

  const v21 = await show('2.1');
  assert.deepEqual(sorted(Object.keys(v21)), sorted([...DETAIL_21, ...ADMIN_21]));
  assert.deepEqual(Object.keys(v21.flavor).sort(), ['id', 'links']);
  assert.deepEqual(Object.keys(v21.image).sort(), ['id', 'links']);
  assert.equal(v21.flavor.id, '42');
  assert.match(v21.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(v21.links[0].rel, 'self');
  assert.equal(v21.links[1].rel, 'bookmark');
  for (const a of Object.values(v21.addresses) as Record<string, unknown>[][])
    for (const addr of a)
      assert.deepEqual(Object.keys(addr).sort(), ['OS-EXT-IPS-MAC:mac_addr', 'OS-EXT-IPS:type', 'addr', 'version']);

  const v247 = await show('2.47');
  const at247 = [...DETAIL_21, ...ADMIN_21, ...ADMIN_23, 'locked', 'host_status', 'description', 'tags'];
  assert.deepEqual(sorted(Object.keys(v247)), sorted(at247));
  assert.deepEqual(Object.keys(v247.flavor).sort(), [
    'disk',
    'ephemeral',
    'extra_specs',
    'original_name',
    'ram',
    'swap',
    'vcpus',
  ]);
  assert.equal(v247.flavor.original_name, 'm1.nano');
  assert.equal(v247.host_status, 'UP');
  assert.deepEqual(v247['os-extended-volumes:volumes_attached'], []);

  const v273 = await show('2.73');
  const at273 = [...at247, 'trusted_image_certificates', 'server_groups', 'locked_reason'];
  assert.deepEqual(sorted(Object.keys(v273)), sorted(at273));
  assert.equal(v273.locked_reason, null);
  assert.equal(v273.trusted_image_certificates, null);
  assert.deepEqual(v273.server_groups, []);

  const v293 = await show('2.93');
  assert.deepEqual(sorted(Object.keys(v293)), sorted(at273));

  // Detail lists have no server_groups; index items only id, links, name.
  const detail = await f.compute('GET', '/servers/detail', { mv: '2.73' });
  assert.deepEqual(sorted(Object.keys(detail.body.servers[0])), sorted(at273.filter((k) => k !== 'server_groups')));

  // PUT before 2.75 answers the basic view; from 2.75 the full one.
  const put = await f.compute('PUT', `/servers/${uuid}`, { mv: '2.1', body: { server: { name: 'renamed' } } });
  assert.deepEqual(sorted(Object.keys(put.body.server)), sorted(BASE));
  for (const a of Object.values(put.body.server.addresses) as Record<string, unknown>[][])
    for (const addr of a) assert.deepEqual(Object.keys(addr).sort(), ['addr', 'version']);
  const put275 = await f.compute('PUT', `/servers/${uuid}`, { mv: '2.75', body: { server: { description: 'd' } } });
  assert.deepEqual(sorted(Object.keys(put275.body.server)), sorted(at273));
  assert.equal(put275.body.server.description, 'd');
});

test('a member of another project cannot see the server; a member sees no admin attributes', async (t) => {
  const f = await serverFixture(t);
  const uuid = await f.boot();
  const { cloud } = f;
  const admin = cloud.adminToken;
  const project = await cloud.call('POST', '/identity/v3/projects', {
    token: admin,
    body: { project: { name: 'demo', domain_id: 'default' } },
  });
  const user = await cloud.call('POST', '/identity/v3/users', {
    token: admin,
    body: {
      user: { name: 'demo', password: 'demo-pw', domain_id: 'default', default_project_id: project.body.project.id },
    },
  });
  const roles = await cloud.call('GET', '/identity/v3/roles?name=member', { token: admin });
  await cloud.call(
    'PUT',
    `/identity/v3/projects/${project.body.project.id}/users/${user.body.user.id}/roles/${roles.body.roles[0].id}`,
    { token: admin },
  );
  const demo = await cloud.login('demo', 'demo-pw', { project: { id: project.body.project.id } });
  const other = await f.compute('GET', `/servers/${uuid}`, { token: demo.token });
  assert.equal(other.status, 404);
  assert.equal(other.body.itemNotFound.message, `Instance ${uuid} could not be found.`);
  assert.equal((await f.compute('GET', '/servers?all_tenants=1', { token: demo.token })).status, 403);
  assert.equal((await f.compute('DELETE', `/servers/${uuid}`, { token: demo.token })).status, 404);
  const mine = await f.compute('POST', '/servers', {
    token: demo.token,
    mv: '2.93',
    body: { server: { name: 'demo-vm', imageRef: f.imageId, flavorRef: '42', networks: 'none' } },
  });
  assert.equal(mine.status, 202, JSON.stringify(mine.body));
  const view = await f.compute('GET', `/servers/${mine.body.server.id}`, { token: demo.token, mv: '2.93' });
  const keys = Object.keys(view.body.server);
  assert.ok(!keys.some((k) => k.startsWith('OS-EXT-SRV-ATTR:') && k !== 'OS-EXT-SRV-ATTR:hostname'), keys.join());
  assert.ok(keys.includes('OS-EXT-SRV-ATTR:hostname'));
  assert.ok(!keys.includes('host_status'));
  assert.equal(view.body.server.hostname, undefined);
});
