import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';

describe('network-ip-availabilities', () => {
  let cloud: TestCloud;
  let alice: Member;
  const net = (token: string, method: string, path: string, body?: unknown) =>
    cloud.call(method, `/networking/v2.0${path}`, { token, body });

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'ipa-alice');
  });
  after(() => cloud.close());

  it('is for admins only', async () => {
    const res = await net(alice.token, 'GET', '/network-ip-availabilities');
    assert.equal(res.status, 403);
    assert.equal(res.body.NeutronError.type, 'PolicyNotAuthorized');
  });

  it('counts pool addresses and allocations per subnet and network', async (t) => {
    const made = await net(alice.token, 'POST', '/networks', { network: { name: 'counted' } });
    const id = made.body.network.id;
    const empty = await net(cloud.adminToken, 'GET', `/network-ip-availabilities/${id}`);
    assert.equal(empty.status, 200, JSON.stringify(empty.body));
    assert.deepEqual(empty.body.network_ip_availability, {
      network_id: id,
      network_name: 'counted',
      project_id: alice.projectId,
      tenant_id: alice.projectId,
      subnet_ip_availability: [],
      total_ips: 0,
      used_ips: 0,
    });
    const missing = await net(
      cloud.adminToken,
      'GET',
      '/network-ip-availabilities/00000000-0000-0000-0000-000000000000',
    );
    assert.equal(missing.status, 404);

    const subnet = await net(alice.token, 'POST', '/subnets', {
      subnet: {
        network_id: id,
        cidr: '10.9.0.0/24',
        ip_version: 4,
        allocation_pools: [
          { start: '10.9.0.10', end: '10.9.0.19' },
          { start: '10.9.0.100', end: '10.9.0.104' },
        ],
      },
    });
    if (subnet.status !== 201) return t.skip(`subnets are not installed (${subnet.status})`);
    const port = await net(alice.token, 'POST', '/ports', { port: { network_id: id } });
    const ports = port.status === 201 ? 1 : 0;
    const shown = await net(cloud.adminToken, 'GET', `/network-ip-availabilities/${id}`);
    const a = shown.body.network_ip_availability;
    assert.equal(a.total_ips, 15);
    assert.ok(a.used_ips >= ports, JSON.stringify(a));
    assert.equal(a.subnet_ip_availability[0].cidr, '10.9.0.0/24');
    assert.equal(a.subnet_ip_availability[0].total_ips, 15);
    assert.equal(a.subnet_ip_availability[0].used_ips, a.used_ips);

    const v6 = await net(cloud.adminToken, 'GET', `/network-ip-availabilities?network_id=${id}&ip_version=6`);
    assert.deepEqual(v6.body.network_ip_availabilities, []);
    const byProject = await net(
      cloud.adminToken,
      'GET',
      `/network-ip-availabilities?tenant_id=${alice.projectId}&fields=network_id`,
    );
    assert.deepEqual(byProject.body.network_ip_availabilities, [{ network_id: id }]);
    assert.equal((await net(cloud.adminToken, 'GET', '/network-ip-availabilities?colour=red')).status, 400);
  });
});
