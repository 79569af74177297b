import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RoutedCloud, startRoutedCloud } from '../l3-fixture.ts';

/** Behaviours neutron-tempest-plugin checks on floating IPs, port forwardings, routers and security groups. */
describe('l3 and security group details from neutron-tempest-plugin', () => {
  let t: RoutedCloud;

  before(async () => {
    t = await startRoutedCloud('l3reg', { ext: '172.24.20.0/24', inside: '10.60.0.0/24' });
  });
  after(() => t.cloud.close());

  it('an empty floating IP update disassociates; one without port_id keeps the association', async () => {
    const { net, ok } = t.l3;
    const vm = await t.l3.port(t.alice.token, t.inside.networkId);
    const body = { floatingip: { floating_network_id: t.ext.networkId, port_id: vm.id } };
    const fip = (await ok(net(t.alice.token, 'POST', '/floatingips', body), 201)).floatingip;
    const described = await ok(
      net(t.alice.token, 'PUT', `/floatingips/${fip.id}`, { floatingip: { description: 'd' } }),
      200,
    );
    assert.equal(described.floatingip.port_id, vm.id);
    const cleared = await ok(net(t.alice.token, 'PUT', `/floatingips/${fip.id}`, { floatingip: {} }), 200);
    assert.equal(cleared.floatingip.port_id, null);
    assert.equal(cleared.floatingip.router_id, null);
    assert.equal(cleared.floatingip.status, 'DOWN');
  });

  it('refuses to delete a floating IP that port forwardings use', async () => {
    const { net, ok } = t.l3;
    const vm = await t.l3.port(t.alice.token, t.inside.networkId);
    const fip = await t.l3.floatingIp(t.alice.token, { floating_network_id: t.ext.networkId });
    const base = `/floatingips/${fip.id}/port_forwardings`;
    const pf = (
      await ok(
        net(t.alice.token, 'POST', base, {
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
    const refused = await net(t.alice.token, 'DELETE', `/floatingips/${fip.id}`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.NeutronError.type, 'FipInUseByPortForwarding');
    // An empty update leaves the forwardings' router in place.
    const kept = await ok(net(t.alice.token, 'PUT', `/floatingips/${fip.id}`, { floatingip: {} }), 200);
    assert.equal(kept.floatingip.router_id, t.router.id);
    assert.equal((await net(t.alice.token, 'DELETE', `${base}/${pf.id}`)).status, 204);
    assert.equal((await net(t.alice.token, 'DELETE', `/floatingips/${fip.id}`)).status, 204);
  });

  it('binds router ports to the L3 host, whose agent brings them ACTIVE', async () => {
    const { net, ok } = t.l3;
    const other = await t.l3.tenantNetwork(t.alice.token, '10.61.0.0/24');
    const intf = await ok(
      net(t.alice.token, 'PUT', `/routers/${t.router.id}/add_router_interface`, { subnet_id: other.subnetId }),
      200,
    );
    let port: Record<string, any> = {};
    for (let i = 0; i < 100; i++) {
      port = (await ok(net(t.cloud.adminToken, 'GET', `/ports/${intf.port_id}`), 200)).port;
      if (port.status === 'ACTIVE') break;
      await sleep(20);
    }
    assert.equal(port.status, 'ACTIVE');
    assert.notEqual(port['binding:host_id'], '');
    const gw = await ok(
      net(t.cloud.adminToken, 'GET', `/ports?device_id=${t.router.id}&device_owner=network:router_gateway`),
      200,
    );
    assert.equal(gw.ports[0]['binding:host_id'], port['binding:host_id']);
  });

  it('creates security groups in bulk with each item wrapped in its member name', async () => {
    const { net, ok } = t.l3;
    const created = await ok(
      net(t.alice.token, 'POST', '/security-groups', {
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
