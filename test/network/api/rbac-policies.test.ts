import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';

describe('rbac-policies', () => {
  let cloud: TestCloud;
  let alice: Member;
  let bob: Member;
  let carol: Member;
  const net = (token: string, method: string, path: string, body?: unknown) =>
    cloud.call(method, `/networking/v2.0${path}`, { token, body });
  const share = (token: string, networkId: string, target: string, action = 'access_as_shared') =>
    net(token, 'POST', '/rbac-policies', {
      rbac_policy: { object_type: 'network', object_id: networkId, action, target_tenant: target },
    });
  const newNetwork = async (token: string, name: string): Promise<string> => {
    const res = await net(token, 'POST', '/networks', { network: { name } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.network.id;
  };

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'rbac-alice');
    bob = await createMember(cloud, 'rbac-bob');
    carol = await createMember(cloud, 'rbac-carol');
  });
  after(() => cloud.close());

  it("shares an owner's network with one project, which then sees it as shared", async () => {
    const id = await newNetwork(alice.token, 'to-bob');
    assert.equal((await net(bob.token, 'GET', `/networks/${id}`)).status, 404);
    const created = await share(alice.token, id, bob.projectId);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const p = created.body.rbac_policy;
    assert.deepEqual(
      { ...p, id: undefined },
      {
        id: undefined,
        project_id: alice.projectId,
        tenant_id: alice.projectId,
        object_type: 'network',
        object_id: id,
        action: 'access_as_shared',
        target_tenant: bob.projectId,
      },
    );
    const seen = await net(bob.token, 'GET', `/networks/${id}`);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.network.shared, true);
    assert.equal((await net(carol.token, 'GET', `/networks/${id}`)).status, 404);
    assert.equal((await net(alice.token, 'GET', `/networks/${id}`)).body.network.shared, false);

    assert.equal((await net(alice.token, 'GET', `/rbac-policies/${p.id}`)).status, 200);
    const notOurs = await net(bob.token, 'GET', `/rbac-policies/${p.id}`);
    assert.equal(notOurs.status, 404, "the target does not see the owner's policy");
    assert.equal(notOurs.body.NeutronError.type, 'RbacPolicyNotFound');
    const listed = await net(alice.token, 'GET', `/rbac-policies?object_id=${id}&fields=target_tenant`);
    assert.deepEqual(listed.body.rbac_policies, [{ target_tenant: bob.projectId }]);
    assert.equal(
      (await net(cloud.adminToken, 'GET', `/rbac-policies?target_tenant=${bob.projectId}`)).body.rbac_policies.length,
      1,
    );

    const dup = await share(alice.token, id, bob.projectId);
    assert.equal(dup.status, 409);
    assert.equal(dup.body.NeutronError.type, 'DuplicateRbacPolicy');

    const reshare = await share(bob.token, id, carol.projectId);
    assert.equal(reshare.status, 400, 'a project the network is shared with may not share it on');
    assert.equal(reshare.body.NeutronError.type, 'InvalidInput');
    assert.equal((await share(carol.token, id, carol.projectId)).status, 404, 'an unseen network is not found');

    const moved = await net(alice.token, 'PUT', `/rbac-policies/${p.id}`, {
      rbac_policy: { target_tenant: carol.projectId },
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.rbac_policy.target_tenant, carol.projectId);
    assert.equal((await net(bob.token, 'GET', `/networks/${id}`)).status, 404);
    assert.equal((await net(carol.token, 'GET', `/networks/${id}`)).status, 200);

    assert.equal((await net(bob.token, 'DELETE', `/rbac-policies/${p.id}`)).status, 404);
    assert.equal((await net(alice.token, 'DELETE', `/rbac-policies/${p.id}`)).status, 204);
    assert.equal((await net(carol.token, 'GET', `/networks/${id}`)).status, 404);
  });

  it("keeps the network's shared and external flags in step with '*' policies, which only an admin makes", async () => {
    const id = await newNetwork(alice.token, 'to-all');
    const denied = await share(alice.token, id, '*');
    assert.equal(denied.status, 403);
    assert.equal(denied.body.NeutronError.type, 'PolicyNotAuthorized');

    const all = await share(cloud.adminToken, id, '*');
    assert.equal(all.status, 201, JSON.stringify(all.body));
    assert.equal((await net(alice.token, 'GET', `/networks/${id}`)).body.network.shared, true);
    assert.equal((await net(carol.token, 'GET', `/networks/${id}`)).status, 200);
    assert.equal((await net(cloud.adminToken, 'DELETE', `/rbac-policies/${all.body.rbac_policy.id}`)).status, 204);
    assert.equal((await net(alice.token, 'GET', `/networks/${id}`)).body.network.shared, false);
    assert.equal((await net(carol.token, 'GET', `/networks/${id}`)).status, 404);

    const ext = await share(cloud.adminToken, id, '*', 'access_as_external');
    assert.equal(ext.status, 201);
    assert.equal((await net(carol.token, 'GET', `/networks/${id}`)).body.network['router:external'], true);
    assert.equal((await net(cloud.adminToken, 'DELETE', `/rbac-policies/${ext.body.rbac_policy.id}`)).status, 204);
    assert.equal((await net(alice.token, 'GET', `/networks/${id}`)).body.network['router:external'], false);

    // A network created shared has its '*' policy, which the owner sees and an admin may remove.
    const made = await net(cloud.adminToken, 'POST', '/networks', {
      network: { name: 'born-shared', shared: true, project_id: alice.projectId },
    });
    const policies = await net(alice.token, 'GET', `/rbac-policies?object_id=${made.body.network.id}`);
    assert.equal(policies.body.rbac_policies.length, 1);
    assert.equal(policies.body.rbac_policies[0].target_tenant, '*');
  });

  it('refuses bad policies with Neutron errors', async () => {
    const id = await newNetwork(alice.token, 'bad-rbac');
    const cases: [unknown, number, string][] = [
      [
        { rbac_policy: { object_type: 'volcano', object_id: id, action: 'access_as_shared', target_tenant: 'x' } },
        400,
        'InvalidInput',
      ],
      [
        { rbac_policy: { object_type: 'network', object_id: id, action: 'own', target_tenant: 'x' } },
        400,
        'InvalidActionForType',
      ],
      [{ rbac_policy: { object_type: 'network', object_id: id, action: 'access_as_shared' } }, 400, 'HTTPBadRequest'],
      [
        { rbac_policy: { object_type: 'network', object_id: id, action: 'access_as_shared', target_tenant: null } },
        400,
        'HTTPBadRequest',
      ],
      [
        {
          rbac_policy: {
            object_type: 'network',
            object_id: id,
            action: 'access_as_shared',
            target_tenant: 'x'.repeat(256),
          },
        },
        400,
        'HTTPBadRequest',
      ],
      [
        { rbac_policy: { object_type: 'network', object_id: 'nope', action: 'access_as_shared', target_tenant: 'x' } },
        400,
        'HTTPBadRequest',
      ],
      [
        {
          rbac_policy: {
            object_type: 'network',
            object_id: id,
            action: 'access_as_shared',
            target_tenant: 'x',
            colour: 1,
          },
        },
        400,
        'HTTPBadRequest',
      ],
    ];
    for (const [body, status, type] of cases) {
      const res = await net(alice.token, 'POST', '/rbac-policies', body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.body.NeutronError.type, type, JSON.stringify(res.body));
    }
    const byNewName = await net(alice.token, 'POST', '/rbac-policies', {
      rbac_policy: { object_type: 'network', object_id: id, action: 'access_as_shared', target_project: bob.projectId },
    });
    assert.equal(byNewName.status, 201, 'target_project is accepted for target_tenant');
  });

  it("refuses to remove a project's access while its ports are on the network", async (t) => {
    const id = await newNetwork(alice.token, 'in-use');
    const p = (await share(alice.token, id, bob.projectId)).body.rbac_policy;
    const port = await net(bob.token, 'POST', '/ports', { port: { network_id: id } });
    if (port.status !== 201) return t.skip(`ports are not installed (${port.status})`);
    const refused = await net(alice.token, 'DELETE', `/rbac-policies/${p.id}`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.NeutronError.type, 'RbacPolicyInUse');
    assert.equal((await net(bob.token, 'DELETE', `/ports/${port.body.port.id}`)).status, 204);
    assert.equal((await net(alice.token, 'DELETE', `/rbac-policies/${p.id}`)).status, 204);
  });

  it('counts policies against the rbac_policy quota', async () => {
    const id = await newNetwork(carol.token, 'quota');
    await net(cloud.adminToken, 'PUT', `/quotas/${carol.projectId}`, { quota: { rbac_policy: 1 } });
    assert.equal((await share(carol.token, id, alice.projectId)).status, 201);
    const over = await share(carol.token, id, bob.projectId);
    assert.equal(over.status, 409);
    assert.equal(over.body.NeutronError.message, "Quota exceeded for resources: ['rbac_policy'].");
  });
});
