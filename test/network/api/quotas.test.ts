import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';

describe('quotas', () => {
  let cloud: TestCloud;
  let alice: Member;
  let bob: Member;
  const net = (token: string, method: string, path: string, body?: unknown) =>
    cloud.call(method, `/networking/v2.0${path}`, { token, body });

  before(async () => {
    cloud = await startCloud(undefined, { network: { quotas: { router: 7 } } });
    alice = await createMember(cloud, 'quota-alice');
    bob = await createMember(cloud, 'quota-bob');
  });
  after(() => cloud.close());

  it('shows the configured defaults to a project, and other projects only to an admin', async () => {
    const own = await net(alice.token, 'GET', `/quotas/${alice.projectId}`);
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.deepEqual(own.body.quota, {
      network: 100,
      subnet: 100,
      subnetpool: -1,
      port: 500,
      router: 7,
      floatingip: 50,
      security_group: 10,
      security_group_rule: 100,
      rbac_policy: 10,
    });
    const defaults = await net(alice.token, 'GET', `/quotas/${alice.projectId}/default`);
    assert.deepEqual(defaults.body.quota, own.body.quota);
    const other = await net(alice.token, 'GET', `/quotas/${bob.projectId}`);
    assert.equal(other.status, 403);
    assert.equal(other.body.NeutronError.type, 'PolicyNotAuthorized');
    assert.equal((await net(cloud.adminToken, 'GET', `/quotas/${bob.projectId}`)).status, 200);
    assert.equal((await net(alice.token, 'GET', '/quotas')).status, 403);
    const mine = await net(alice.token, 'GET', '/quotas/project');
    assert.deepEqual(mine.body, { project: { project_id: alice.projectId } });
  });

  it('lets an admin set, list and reset limits; members may not', async () => {
    const denied = await net(alice.token, 'PUT', `/quotas/${alice.projectId}`, { quota: { network: 1000 } });
    assert.equal(denied.status, 403);
    const set = await net(cloud.adminToken, 'PUT', `/quotas/${bob.projectId}`, { quota: { network: 0, port: '3' } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.quota.network, 0);
    assert.equal(set.body.quota.port, 3);
    assert.equal(set.body.quota.subnet, 100);
    const listed = await net(cloud.adminToken, 'GET', '/quotas');
    const row = listed.body.quotas.find((q: { project_id: string }) => q.project_id === bob.projectId);
    assert.equal(row.network, 0);
    assert.equal(row.tenant_id, bob.projectId);
    assert.equal(
      listed.body.quotas.some((q: { project_id: string }) => q.project_id === alice.projectId),
      false,
      'projects on defaults are not listed',
    );
    assert.equal((await net(cloud.adminToken, 'GET', `/quotas/${bob.projectId}`)).body.quota.network, 0);

    assert.equal((await net(alice.token, 'DELETE', `/quotas/${bob.projectId}`)).status, 403);
    assert.equal((await net(cloud.adminToken, 'DELETE', `/quotas/${bob.projectId}`)).status, 204);
    assert.equal((await net(cloud.adminToken, 'GET', `/quotas/${bob.projectId}`)).body.quota.network, 100);
    const again = await net(cloud.adminToken, 'DELETE', `/quotas/${bob.projectId}`);
    assert.equal(again.status, 404);
    assert.equal(again.body.NeutronError.type, 'TenantQuotaNotFound');
  });

  it('refuses bad limits with 400', async () => {
    const cases: unknown[] = [
      { quota: { colour: 1 } },
      { quota: { network: -2 } },
      { quota: { network: 'many' } },
      { quota: { network: 1.5 } },
      { quota: { network: 2 ** 31 } },
      { quotas: {} },
      [],
    ];
    for (const body of cases) {
      const res = await net(cloud.adminToken, 'PUT', `/quotas/${bob.projectId}`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(res.body.NeutronError, JSON.stringify(res.body));
    }
    assert.equal((await net(cloud.adminToken, 'GET', `/quotas/${bob.projectId}`)).body.quota.network, 100);
  });

  it('stops creates past the limit with OverQuota, counting what exists', async () => {
    const project = alice.projectId;
    await net(cloud.adminToken, 'PUT', `/quotas/${project}`, { quota: { network: 2 } });
    for (let i = 0; i < 2; i++)
      assert.equal((await net(alice.token, 'POST', '/networks', { network: { name: `q${i}` } })).status, 201);
    const third = await net(alice.token, 'POST', '/networks', { network: { name: 'q3' } });
    assert.equal(third.status, 409);
    assert.equal(third.body.NeutronError.type, 'OverQuota');
    assert.equal(third.body.NeutronError.message, "Quota exceeded for resources: ['network'].");
    const bulk = await net(cloud.adminToken, 'POST', '/networks', {
      networks: [{ project_id: project }, { project_id: project }],
    });
    assert.equal(bulk.status, 409, 'the bulk create is refused as a whole');

    const details = await net(alice.token, 'GET', `/quotas/${project}/details`);
    assert.equal(details.status, 200, JSON.stringify(details.body));
    assert.deepEqual(details.body.quota.network, { limit: 2, used: 2, reserved: 0 });
    assert.deepEqual(details.body.quota.router, { limit: 7, used: 0, reserved: 0 });
    const viaJson = await net(cloud.adminToken, 'GET', `/quotas/${project}/details.json`);
    assert.deepEqual(viaJson.body.quota.network, { limit: 2, used: 2, reserved: 0 });
    const foreign = await net(bob.token, 'GET', `/quotas/${project}/details`);
    assert.equal(foreign.status, 403);

    const tooLow = await net(cloud.adminToken, 'PUT', `/quotas/${project}`, {
      quota: { network: 1, check_limit: true },
    });
    assert.equal(tooLow.status, 400, 'check_limit refuses a limit below what is used');
    const unlimited = await net(cloud.adminToken, 'PUT', `/quotas/${project}`, { quota: { network: -1 } });
    assert.equal(unlimited.body.quota.network, -1);
    assert.equal((await net(alice.token, 'POST', '/networks', { network: { name: 'q4' } })).status, 201);
  });

  it('lets no two parallel creates pass the last free slot', async () => {
    await net(cloud.adminToken, 'PUT', `/quotas/${bob.projectId}`, { quota: { network: 5 } });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => net(bob.token, 'POST', '/networks', { network: { name: `par${i}` } })),
    );
    const codes = results.map((r) => r.status).sort();
    assert.equal(codes.filter((c) => c === 201).length, 5, JSON.stringify(codes));
    assert.equal(codes.filter((c) => c === 409).length, 7, JSON.stringify(codes));
    const listed = await net(bob.token, 'GET', '/networks?fields=id');
    assert.equal(listed.body.networks.length, 5);
  });

  it('counts the rows of other resource families when they are installed', async (t) => {
    const groups = await net(alice.token, 'GET', '/security-groups');
    if (groups.status !== 200) return t.skip('security groups are not installed');
    await net(cloud.adminToken, 'PUT', `/quotas/${alice.projectId}`, { quota: { security_group: 2 } });
    // The project's default group counts too, as in Neutron.
    const made: number[] = [];
    for (let i = 0; i < 3; i++)
      made.push((await net(alice.token, 'POST', '/security-groups', { security_group: { name: `sg${i}` } })).status);
    assert.ok(made.includes(409), JSON.stringify(made));
    const details = await net(alice.token, 'GET', `/quotas/${alice.projectId}/details`);
    assert.equal(details.body.quota.security_group.used, 2);
  });

  it('stops the 11th floating IP when the quota is 10', async (t) => {
    const ext = await net(cloud.adminToken, 'POST', '/networks', {
      network: { name: 'public', 'router:external': true },
    });
    const subnet = await net(cloud.adminToken, 'POST', '/subnets', {
      subnet: { network_id: ext.body.network.id, cidr: '203.0.113.0/24', ip_version: 4 },
    });
    if (subnet.status !== 201) return t.skip(`subnets are not installed (${subnet.status})`);
    const first = await net(bob.token, 'POST', '/floatingips', {
      floatingip: { floating_network_id: ext.body.network.id },
    });
    if (first.status !== 201) return t.skip(`floating IPs are not installed (${first.status})`);
    await net(cloud.adminToken, 'PUT', `/quotas/${bob.projectId}`, { quota: { floatingip: 10 } });
    for (let i = 1; i < 10; i++) {
      const made = await net(bob.token, 'POST', '/floatingips', {
        floatingip: { floating_network_id: ext.body.network.id },
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
    }
    const eleventh = await net(bob.token, 'POST', '/floatingips', {
      floatingip: { floating_network_id: ext.body.network.id },
    });
    assert.equal(eleventh.status, 409);
    assert.equal(eleventh.body.NeutronError.type, 'OverQuota');
    assert.equal(eleventh.body.NeutronError.message, "Quota exceeded for resources: ['floatingip'].");
    const details = await net(bob.token, 'GET', `/quotas/${bob.projectId}/details`);
    assert.deepEqual(details.body.quota.floatingip, { limit: 10, used: 10, reserved: 0 });
  });
});
