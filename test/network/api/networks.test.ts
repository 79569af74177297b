import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';

describe('networks', () => {
  let cloud: TestCloud;
  let alice: Member;
  let bob: Member;
  const net = (token: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    cloud.call(method, `/networking/v2.0${path}`, { token, body, headers });

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'net-alice');
    bob = await createMember(cloud, 'net-bob');
  });
  after(() => cloud.close());

  it('creates, shows, lists, updates and deletes a network with Neutron defaults', async () => {
    const created = await net(alice.token, 'POST', '/networks', { network: { name: 'n1' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const n = created.body.network;
    assert.equal(n.name, 'n1');
    assert.equal(n.status, 'ACTIVE');
    assert.equal(n.admin_state_up, true);
    assert.equal(n.shared, false);
    assert.equal(n['router:external'], false);
    assert.equal(n.mtu, 1450, 'vxlan tenant networks lose 50 bytes');
    assert.equal(n.project_id, alice.projectId);
    assert.equal(n.tenant_id, alice.projectId);
    assert.equal(n.revision_number, 0);
    assert.deepEqual(n.subnets, []);
    assert.equal(n['provider:network_type'], undefined, 'provider attributes are admin-only');
    assert.match(n.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const asAdmin = await net(cloud.adminToken, 'GET', `/networks/${n.id}`);
    assert.equal(asAdmin.body.network['provider:network_type'], 'vxlan');
    assert.equal(typeof asAdmin.body.network['provider:segmentation_id'], 'number');
    assert.equal(asAdmin.body.network['provider:physical_network'], null);

    assert.equal((await net(bob.token, 'GET', `/networks/${n.id}`)).status, 404, "another project's network is hidden");
    const missing = await net(alice.token, 'GET', '/networks/00000000-0000-0000-0000-000000000000');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.NeutronError.type, 'NetworkNotFound');

    const updated = await net(alice.token, 'PUT', `/networks/${n.id}`, { network: { name: 'n1b', description: 'd' } });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.network.name, 'n1b');
    assert.equal(updated.body.network.revision_number, 1);
    const stale = await net(
      alice.token,
      'PUT',
      `/networks/${n.id}`,
      { network: { name: 'x' } },
      { 'if-match': 'revision_number=0' },
    );
    assert.equal(stale.status, 412);

    assert.equal((await net(bob.token, 'DELETE', `/networks/${n.id}`)).status, 404);
    assert.equal((await net(alice.token, 'DELETE', `/networks/${n.id}`)).status, 204);
    assert.equal((await net(alice.token, 'GET', `/networks/${n.id}`)).status, 404);
  });

  it('lists with filters, fields, sorting and pages with links', async () => {
    const names = ['p-c', 'p-a', 'p-b'];
    for (const name of names) await net(bob.token, 'POST', '/networks', { network: { name } });
    const all = await net(bob.token, 'GET', '/networks?sort_key=name&sort_dir=asc&fields=name&fields=id');
    assert.deepEqual(
      all.body.networks.map((x: { name: string }) => x.name),
      ['p-a', 'p-b', 'p-c'],
    );
    assert.deepEqual(Object.keys(all.body.networks[0]).sort(), ['id', 'name']);
    const page1 = await net(bob.token, 'GET', '/networks?sort_key=name&limit=2');
    assert.deepEqual(
      page1.body.networks.map((x: { name: string }) => x.name),
      ['p-a', 'p-b'],
    );
    const next = page1.body.networks_links.find((l: { rel: string }) => l.rel === 'next');
    const page2 = await cloud.call('GET', new URL(next.href).pathname + new URL(next.href).search, {
      token: bob.token,
    });
    assert.deepEqual(
      page2.body.networks.map((x: { name: string }) => x.name),
      ['p-c'],
    );
    const filtered = await net(bob.token, 'GET', '/networks?name=p-a&name=p-c');
    assert.equal(filtered.body.networks.length, 2);
    const bad = await net(bob.token, 'GET', '/networks?colour=red');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.NeutronError.type, 'HTTPBadRequest');
  });

  it('refuses bad input and admin-only attributes with Neutron errors', async () => {
    const cases: [unknown, number, string][] = [
      [{ network: { name: 7 } }, 400, 'HTTPBadRequest'],
      [{ network: { colour: 'red' } }, 400, 'HTTPBadRequest'],
      [{ network: { admin_state_up: 'maybe' } }, 400, 'HTTPBadRequest'],
      [{ network: { shared: true } }, 403, 'PolicyNotAuthorized'],
      [{ network: { 'provider:network_type': 'vlan' } }, 403, 'PolicyNotAuthorized'],
      [{ network: { tenant_id: 'someone-else' } }, 400, 'HTTPBadRequest'],
      [{ network: { mtu: 9000 } }, 400, 'InvalidInput'],
      [{ nets: {} }, 400, 'HTTPBadRequest'],
    ];
    for (const [body, status, type] of cases) {
      const res = await net(alice.token, 'POST', '/networks', body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.body.NeutronError.type, type, JSON.stringify(body));
    }
  });

  it('lets an admin share a network and create provider networks; segments do not collide', async () => {
    const shared = await net(cloud.adminToken, 'POST', '/networks', { network: { name: 'shared', shared: true } });
    assert.equal(shared.status, 201);
    const seen = await net(alice.token, 'GET', `/networks/${shared.body.network.id}`);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.network.shared, true);
    const vlan = {
      'provider:network_type': 'vlan',
      'provider:physical_network': 'physnet1',
      'provider:segmentation_id': 150,
    };
    assert.equal((await net(cloud.adminToken, 'POST', '/networks', { network: vlan })).status, 201);
    const again = await net(cloud.adminToken, 'POST', '/networks', { network: vlan });
    assert.equal(again.status, 409);
    assert.equal(again.body.NeutronError.type, 'VlanIdInUse');
    const ext = await net(cloud.adminToken, 'POST', '/networks', {
      network: {
        name: 'public',
        'router:external': true,
        'provider:network_type': 'flat',
        'provider:physical_network': 'public',
      },
    });
    assert.equal(ext.status, 201, JSON.stringify(ext.body));
    const extSeen = await net(bob.token, 'GET', '/networks?router:external=true');
    assert.ok(extSeen.body.networks.some((x: { id: string }) => x.id === ext.body.network.id));
    const bulk = await net(alice.token, 'POST', '/networks', { networks: [{ name: 'b1' }, { name: 'b2' }] });
    assert.equal(bulk.status, 201);
    assert.equal(bulk.body.networks.length, 2);
    assert.notEqual(bulk.body.networks[0].id, bulk.body.networks[1].id);
  });
});
