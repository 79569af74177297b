import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';
import { l3Client } from '../l3-fixture.ts';

/** Behaviours neutron-tempest-plugin checks on floating IPs, port forwardings, routers and security groups. */
describe('l3 and security group details from neutron-tempest-plugin', () => {
  let cloud: TestCloud;
  let alice: Member;
  let l3: ReturnType<typeof l3Client>;
  let ext: { networkId: string; subnetId: string };
  let inside: { networkId: string; subnetId: string; gateway: string };
  let router: Record<string, any>;

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'l3reg-alice');
    l3 = l3Client(cloud);
    ext = await l3.externalNetwork('172.24.20.0/24');
    inside = await l3.tenantNetwork(alice.token, '10.60.0.0/24');
    router = await l3.router(alice.token, { external_gateway_info: { network_id: ext.networkId } });
    await l3.ok(
      l3.net(alice.token, 'PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: inside.subnetId }),
      200,
    );
  });
  after(() => cloud.close());

  it('an empty floating IP update disassociates; one without port_id keeps the association', async () => {
    const { net, ok } = l3;
    const vm = await l3.port(alice.token, inside.networkId);
    const body = { floatingip: { floating_network_id: ext.networkId, port_id: vm.id } };
    const fip = (await ok(net(alice.token, 'POST', '/floatingips', body), 201)).floatingip;
    const described = await ok(
      net(alice.token, 'PUT', `/floatingips/${fip.id}`, { floatingip: { description: 'd' } }),
      200,
    );
    assert.equal(described.floatingip.port_id, vm.id);
    const cleared = await ok(net(alice.token, 'PUT', `/floatingips/${fip.id}`, { floatingip: {} }), 200);
    assert.equal(cleared.floatingip.port_id, null);
    assert.equal(cleared.floatingip.router_id, null);
    assert.equal(cleared.floatingip.status, 'DOWN');
  });

  it('refuses to delete a floating IP that port forwardings use', async () => {
    const { net, ok } = l3;
    const vm = await l3.port(alice.token, inside.networkId);
    const fip = (
      await ok(net(alice.token, 'POST', '/floatingips', { floatingip: { floating_network_id: ext.networkId } }), 201)
    ).floatingip;
    const base = `/floatingips/${fip.id}/port_forwardings`;
    const pf = (
      await ok(
        net(alice.token, 'POST', base, {
          port_forwarding: {
            internal_port_id: vm.id,
            internal_ip_address: vm.fixed_ips[0].ip_address,
            internal_port: 22,
            external_port: 2022,
            protocol: 'tcp',
          },
        }),
        201,
      )
    ).port_forwarding;
    const refused = await net(alice.token, 'DELETE', `/floatingips/${fip.id}`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.NeutronError.type, 'FipInUseByPortForwarding');
    // An empty update leaves the forwardings' router in place.
    const kept = await ok(net(alice.token, 'PUT', `/floatingips/${fip.id}`, { floatingip: {} }), 200);
    assert.equal(kept.floatingip.router_id, router.id);
    assert.equal((await net(alice.token, 'DELETE', `${base}/${pf.id}`)).status, 204);
    assert.equal((await net(alice.token, 'DELETE', `/floatingips/${fip.id}`)).status, 204);
  });

  it('binds router ports to the L3 host, whose agent brings them ACTIVE', async () => {
    const { net, ok } = l3;
    const other = await l3.tenantNetwork(alice.token, '10.61.0.0/24');
    const intf = await ok(
      net(alice.token, 'PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: other.subnetId }),
      200,
    );
    let port: Record<string, any> = {};
    for (let i = 0; i < 100; i++) {
      port = (await ok(net(cloud.adminToken, 'GET', `/ports/${intf.port_id}`), 200)).port;
      if (port.status === 'ACTIVE') break;
      await sleep(20);
    }
    assert.equal(port.status, 'ACTIVE');
    assert.notEqual(port['binding:host_id'], '');
    const gw = await ok(
      net(cloud.adminToken, 'GET', `/ports?device_id=${router.id}&device_owner=network:router_gateway`),
      200,
    );
    assert.equal(gw.ports[0]['binding:host_id'], port['binding:host_id']);
  });

  it('creates security groups in bulk with each item wrapped in its member name', async () => {
    const { net, ok } = l3;
    const created = await ok(
      net(alice.token, 'POST', '/security-groups', {
        security_groups: [{ security_group: { name: 'bulk-a' } }, { security_group: { name: 'bulk-b' } }],
      }),
      201,
    );
    assert.deepEqual(
      created.security_groups.map((g: { name: string }) => g.name),
      ['bulk-a', 'bulk-b'],
    );
  });
});
