import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { createMember, type Member } from '../identity/member-fixture.ts';
import { novaCaller, waitForComputeHost } from './compute-fixture.ts';

const HOST = 'hyp-test-host';
const DETAIL_21 = [
  'cpu_info',
  'current_workload',
  'disk_available_least',
  'free_disk_gb',
  'free_ram_mb',
  'host_ip',
  'hypervisor_hostname',
  'hypervisor_type',
  'hypervisor_version',
  'id',
  'local_gb',
  'local_gb_used',
  'memory_mb',
  'memory_mb_used',
  'running_vms',
  'service',
  'state',
  'status',
  'vcpus',
  'vcpus_used',
];

describe('os-hypervisors', () => {
  let cloud: TestCloud;
  let alice: Member;
  const nova = novaCaller(() => cloud);

  before(async () => {
    cloud = await startCloud(undefined, { network: { host: HOST } });
    alice = await createMember(cloud, 'hyp-alice');
    await waitForComputeHost(cloud, HOST);
  });
  after(() => cloud.close());

  it('lists, details and shows with integer ids at 2.1 and the fake resources', async () => {
    const admin = cloud.adminToken;
    const list = await nova(admin, 'GET', '/os-hypervisors');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const [h] = list.body.hypervisors;
    assert.deepEqual(Object.keys(h).sort(), ['hypervisor_hostname', 'id', 'state', 'status']);
    assert.equal(typeof h.id, 'number');
    assert.equal(h.state, 'up');
    assert.equal(h.status, 'enabled');
    const detail = await nova(admin, 'GET', '/os-hypervisors/detail');
    const d = detail.body.hypervisors[0];
    assert.deepEqual(Object.keys(d).sort(), DETAIL_21);
    assert.equal(typeof d.cpu_info, 'string');
    assert.equal(d.vcpus, 1000);
    assert.equal(d.service.host, HOST);
    assert.equal(typeof d.service.id, 'number');
    const shown = await nova(admin, 'GET', `/os-hypervisors/${h.id}`);
    assert.equal(shown.body.hypervisor.hypervisor_hostname, h.hypervisor_hostname);
    const v228 = await nova(admin, 'GET', `/os-hypervisors/${h.id}`, undefined, '2.28');
    assert.equal(typeof v228.body.hypervisor.cpu_info, 'object');
    const stats = await nova(admin, 'GET', '/os-hypervisors/statistics');
    assert.equal(stats.body.hypervisor_statistics.count, 1);
    assert.equal(stats.body.hypervisor_statistics.vcpus, 1000);
    const up = await nova(admin, 'GET', `/os-hypervisors/${h.id}/uptime`);
    assert.match(up.body.hypervisor.uptime, / up \d+ days, /);
    const search = await nova(admin, 'GET', `/os-hypervisors/${h.hypervisor_hostname.slice(0, 4)}/search`);
    assert.equal(search.body.hypervisors.length, 1);
    const servers = await nova(admin, 'GET', `/os-hypervisors/${h.hypervisor_hostname}/servers`);
    assert.deepEqual(Object.keys(servers.body.hypervisors[0]).sort(), ['hypervisor_hostname', 'id', 'state', 'status']);
  });

  it('2.33 pages, 2.53 uses uuids and patterns, 2.88 drops the usage fields', async () => {
    const admin = cloud.adminToken;
    const page = await nova(admin, 'GET', '/os-hypervisors?limit=1', undefined, '2.33');
    assert.equal(page.body.hypervisors.length, 1);
    assert.ok(page.body.hypervisors_links[0].href.includes('marker='));
    const after = await nova(admin, 'GET', `/os-hypervisors?marker=${page.body.hypervisors[0].id}`, undefined, '2.33');
    assert.deepEqual(after.body.hypervisors, []);
    const v253 = await nova(admin, 'GET', '/os-hypervisors/detail?with_servers=true', undefined, '2.53');
    const h = v253.body.hypervisors[0];
    assert.match(h.id, /^[0-9a-f-]{36}$/);
    assert.match(h.service.id, /^[0-9a-f-]{36}$/);
    const pattern = await nova(
      admin,
      'GET',
      `/os-hypervisors?hypervisor_hostname_pattern=${h.hypervisor_hostname}`,
      undefined,
      '2.53',
    );
    assert.equal(pattern.body.hypervisors.length, 1);
    assert.equal(
      (await nova(admin, 'GET', '/os-hypervisors?hypervisor_hostname_pattern=zzz', undefined, '2.53')).status,
      404,
    );
    assert.equal(
      (await nova(admin, 'GET', '/os-hypervisors?hypervisor_hostname_pattern=a&limit=1', undefined, '2.53')).status,
      400,
    );
    assert.equal((await nova(admin, 'GET', `/os-hypervisors/${h.id}`, undefined, '2.53')).status, 200);
    assert.equal((await nova(admin, 'GET', '/os-hypervisors/1', undefined, '2.53')).status, 400);
    assert.equal((await nova(admin, 'GET', '/os-hypervisors/x/search', undefined, '2.53')).status, 404);
    const v288 = await nova(admin, 'GET', `/os-hypervisors/${h.id}`, undefined, '2.88');
    assert.deepEqual(Object.keys(v288.body.hypervisor).sort(), [
      'cpu_info',
      'host_ip',
      'hypervisor_hostname',
      'hypervisor_type',
      'hypervisor_version',
      'id',
      'service',
      'state',
      'status',
      'uptime',
    ]);
    assert.equal((await nova(admin, 'GET', '/os-hypervisors/statistics', undefined, '2.88')).status, 404);
  });

  it('negatives: 404 for unknown ids and patterns, 403 for members', async () => {
    const admin = cloud.adminToken;
    for (const path of [
      '/os-hypervisors/999999',
      '/os-hypervisors/abc',
      '/os-hypervisors/999999/uptime',
      '/os-hypervisors/zzz/search',
      '/os-hypervisors/zzz/servers',
    ])
      assert.equal((await nova(admin, 'GET', path)).status, 404, path);
    for (const path of [
      '/os-hypervisors',
      '/os-hypervisors/detail',
      '/os-hypervisors/statistics',
      '/os-hypervisors/1',
      '/os-hypervisors/1/uptime',
      '/os-hypervisors/x/search',
      '/os-hypervisors/x/servers',
    ])
      assert.equal((await nova(alice.token, 'GET', path)).status, 403, path);
  });
});
