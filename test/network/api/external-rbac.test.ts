import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';
import { l3Client } from '../l3-fixture.ts';

/** External networks as RBAC (access_as_external) policies, and the revisions those policies and subnets move. */
describe('external networks through RBAC', () => {
  let cloud: TestCloud;
  let alice: Member;
  let bob: Member;
  let l3: ReturnType<typeof l3Client>;
  const admin = () => cloud.adminToken;
  const policy = (networkId: string, target: string, action = 'access_as_external') =>
    l3.ok(
      l3.net(admin(), 'POST', '/rbac-policies', {
        rbac_policy: { object_type: 'network', object_id: networkId, action, target_tenant: target },
      }),
      201,
    );
  const externalPolicies = async (networkId: string, target = '*') =>
    (
      await l3.ok(
        l3.net(
          admin(),
          'GET',
          `/rbac-policies?object_id=${networkId}&action=access_as_external&target_tenant=${target}`,
        ),
        200,
      )
    ).rbac_policies;
  const show = async (token: string, id: string) => (await l3.ok(l3.net(token, 'GET', `/networks/${id}`), 200)).network;
  const newNetwork = async (body: Record<string, unknown>) =>
    (await l3.ok(l3.net(admin(), 'POST', '/networks', { network: { name: 'ext', ...body } }), 201)).network;

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'extrbac-alice');
    bob = await createMember(cloud, 'extrbac-bob');
    l3 = l3Client(cloud);
  });
  after(() => cloud.close());

  it("keeps router:external and the '*' access_as_external policy in step", async () => {
    const ext = await newNetwork({ 'router:external': true });
    assert.equal((await externalPolicies(ext.id)).length, 1);
    const internal = await l3.ok(
      l3.net(admin(), 'PUT', `/networks/${ext.id}`, { network: { 'router:external': false } }),
      200,
    );
    assert.equal(internal.network['router:external'], false);
    assert.equal((await externalPolicies(ext.id)).length, 0);
    await l3.ok(l3.net(admin(), 'PUT', `/networks/${ext.id}`, { network: { 'router:external': true } }), 200);
    assert.equal((await externalPolicies(ext.id)).length, 1);
    assert.equal((await show(alice.token, ext.id))['router:external'], true, "'*' opens it to every project");
  });

  it('turns a network external on its first policy and back on its last; others do not see it', async () => {
    const n = await newNetwork({});
    const rev = n.revision_number;
    const mine = await policy(n.id, alice.projectId);
    const seen = await show(admin(), n.id);
    assert.equal(seen['router:external'], true);
    assert.ok(seen.revision_number > rev, 'an RBAC policy revises its network');
    assert.equal((await show(alice.token, n.id))['router:external'], true);
    assert.equal((await l3.net(bob.token, 'GET', `/networks/${n.id}`)).status, 404);
    const bobs = await policy(n.id, bob.projectId);
    await l3.ok(l3.net(admin(), 'DELETE', `/rbac-policies/${bobs.rbac_policy.id}`), 204);
    assert.equal((await show(admin(), n.id))['router:external'], true, 'one policy is left');
    await l3.ok(l3.net(admin(), 'DELETE', `/rbac-policies/${mine.rbac_policy.id}`), 204);
    assert.equal((await show(admin(), n.id))['router:external'], false);

    const shared = await show(admin(), n.id);
    await policy(n.id, '*', 'access_as_shared');
    assert.ok((await show(admin(), n.id)).revision_number > shared.revision_number);
  });

  it("refuses to cut off a project's router gateway (409 RbacPolicyInUse, ExternalNetworkInUse)", async () => {
    const n = await newNetwork({});
    await l3.ok(
      l3.net(admin(), 'POST', '/subnets', {
        subnet: { network_id: n.id, cidr: '198.51.100.0/24', ip_version: 4, enable_dhcp: false },
      }),
      201,
    );
    const wildcard = (await policy(n.id, '*')).rbac_policy;
    const router = await l3.router(bob.token, { name: 'r', external_gateway_info: { network_id: n.id } });
    const refused = await l3.net(admin(), 'DELETE', `/rbac-policies/${wildcard.id}`);
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.NeutronError.type, 'RbacPolicyInUse');
    const internal = await l3.net(admin(), 'PUT', `/networks/${n.id}`, { network: { 'router:external': false } });
    assert.equal(internal.status, 409);
    assert.equal(internal.body.NeutronError.type, 'ExternalNetworkInUse');

    const own = (await policy(n.id, bob.projectId)).rbac_policy;
    await l3.ok(l3.net(admin(), 'DELETE', `/rbac-policies/${wildcard.id}`), 204);
    assert.equal((await l3.net(admin(), 'DELETE', `/rbac-policies/${own.id}`)).status, 409);
    const moved = await l3.net(admin(), 'PUT', `/rbac-policies/${own.id}`, {
      rbac_policy: { target_tenant: alice.projectId },
    });
    assert.equal(moved.status, 409, 'retargeting away from the router owner is refused too');
    await l3.ok(l3.net(admin(), 'DELETE', `/routers/${router.id}`), 204);
    await l3.ok(l3.net(admin(), 'DELETE', `/rbac-policies/${own.id}`), 204);
    const gone = await l3.net(bob.token, 'POST', '/routers', {
      router: { name: 'r2', external_gateway_info: { network_id: n.id } },
    });
    assert.equal(gone.status, 404);
  });

  it("moves a network's revision when a subnet is added or removed", async () => {
    const { networkId } = await l3.tenantNetwork(alice.token, '10.77.0.0/24');
    const before = await show(alice.token, networkId);
    const sub = await l3.ok(
      l3.net(alice.token, 'POST', '/subnets', {
        subnet: { network_id: networkId, cidr: '10.78.0.0/24', ip_version: 4 },
      }),
      201,
    );
    const added = await show(alice.token, networkId);
    assert.ok(added.revision_number > before.revision_number);
    await l3.ok(l3.net(alice.token, 'DELETE', `/subnets/${sub.subnet.id}`), 204);
    assert.ok((await show(alice.token, networkId)).revision_number > added.revision_number);
  });

  it('deletes an external network with its unassociated floating IPs', async () => {
    const { networkId, subnetId } = await l3.externalNetwork('203.0.113.0/24');
    const fip = await l3.ok(
      l3.net(admin(), 'POST', '/floatingips', { floatingip: { floating_network_id: networkId } }),
      201,
    );
    await l3.ok(l3.net(admin(), 'DELETE', `/networks/${networkId}`), 204);
    assert.equal((await l3.net(admin(), 'GET', `/floatingips/${fip.floatingip.id}`)).status, 404);
    assert.equal((await l3.net(admin(), 'GET', `/subnets/${subnetId}`)).status, 404);
  });

  it("answers 400 (not 404) for another project's port on the caller's own network", async () => {
    const { networkId: extId } = await l3.externalNetwork('192.0.2.0/24');
    const { networkId, subnetId } = await l3.tenantNetwork(alice.token, '10.79.0.0/24');
    const router = await l3.router(alice.token, { name: 'ra', external_gateway_info: { network_id: extId } });
    await l3.ok(l3.net(alice.token, 'PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: subnetId }), 200);
    const fip = await l3.ok(
      l3.net(alice.token, 'POST', '/floatingips', { floatingip: { floating_network_id: extId } }),
      201,
    );
    const port = await l3.port(admin(), networkId, { project_id: bob.projectId });
    const res = await l3.net(alice.token, 'PUT', `/floatingips/${fip.floatingip.id}`, {
      floatingip: { port_id: port.id },
    });
    assert.equal(res.status, 400, JSON.stringify(res.body));
  });

  it('lets an MTU grow to the segment limit and answers 412 to a stale If-Match of -1', async () => {
    const n = (await l3.ok(l3.net(alice.token, 'POST', '/networks', { network: { name: 'small', mtu: 68 } }), 201))
      .network;
    const grown = await l3.ok(l3.net(alice.token, 'PUT', `/networks/${n.id}`, { network: { mtu: 1280 } }), 200);
    assert.equal(grown.network.mtu, 1280);
    assert.equal((await l3.net(alice.token, 'PUT', `/networks/${n.id}`, { network: { mtu: 1451 } })).status, 400);
    const stale = await cloud.call('PUT', `/networking/v2.0/networks/${n.id}`, {
      token: alice.token,
      body: { network: { name: 'x' } },
      headers: { 'if-match': 'revision_number=-1' },
    });
    assert.equal(stale.status, 412, JSON.stringify(stale.body));
  });
});
