import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMember, type Member } from '../../identity/member-fixture.ts';
import { type RoutedCloud, startRoutedCloud } from '../l3-fixture.ts';

describe('floating IPs', () => {
  let t: RoutedCloud;
  let bob: Member;

  before(async () => {
    t = await startRoutedCloud('fip', { ext: '172.24.8.0/24', inside: '10.20.0.0/24' });
    bob = await createMember(t.cloud, 'fip-bob');
  });
  after(() => t.cloud.close());

  it('creates, associates, re-associates, disassociates and deletes a floating IP', async () => {
    const { net, ok } = t.l3;
    const p1 = await t.l3.port(t.alice.token, t.inside.networkId);
    const p2 = await t.l3.port(t.alice.token, t.inside.networkId);
    const created = await ok(
      net(t.alice.token, 'POST', '/floatingips', {
        floatingip: { floating_network_id: t.ext.networkId, port_id: p1.id },
      }),
      201,
    );
    const fip = created.floatingip;
    assert.match(fip.floating_ip_address, /^172\.24\.8\./);
    assert.equal(fip.port_id, p1.id);
    assert.equal(fip.fixed_ip_address, p1.fixed_ips[0].ip_address);
    assert.equal(fip.router_id, t.router.id);
    assert.equal(fip.status, 'ACTIVE');
    assert.equal(fip.project_id, t.alice.projectId);
    assert.equal(fip.port_details?.device_owner ?? '', p1.device_owner);
    assert.deepEqual(fip.port_forwardings, []);

    const fipPorts = await ok(net(t.cloud.adminToken, 'GET', `/ports?device_id=${fip.id}`), 200);
    assert.equal(fipPorts.ports[0].device_owner, 'network:floatingip');

    const twice = await net(t.alice.token, 'POST', '/floatingips', {
      floatingip: { floating_network_id: t.ext.networkId, port_id: p1.id },
    });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.NeutronError.type, 'FloatingIPPortAlreadyAssociated');

    const moved = await ok(
      net(t.alice.token, 'PUT', `/floatingips/${fip.id}`, { floatingip: { port_id: p2.id } }),
      200,
    );
    assert.equal(moved.floatingip.port_id, p2.id);
    assert.equal(moved.floatingip.fixed_ip_address, p2.fixed_ips[0].ip_address);
    const wrongIp = await net(t.alice.token, 'PUT', `/floatingips/${fip.id}`, {
      floatingip: { port_id: p1.id, fixed_ip_address: '10.20.0.250' },
    });
    assert.equal(wrongIp.status, 400);

    const inUse = await net(t.alice.token, 'PUT', `/routers/${t.router.id}/remove_router_interface`, {
      subnet_id: t.inside.subnetId,
    });
    assert.equal(inUse.status, 409);
    assert.equal(inUse.body.NeutronError.type, 'RouterInterfaceInUseByFloatingIP');
    const gwInUse = await net(t.alice.token, 'PUT', `/routers/${t.router.id}`, {
      router: { external_gateway_info: null },
    });
    assert.equal(gwInUse.status, 409);
    assert.equal(gwInUse.body.NeutronError.type, 'RouterExternalGatewayInUseByFloatingIp');

    const off = await ok(net(t.alice.token, 'PUT', `/floatingips/${fip.id}`, { floatingip: { port_id: null } }), 200);
    assert.equal(off.floatingip.port_id, null);
    assert.equal(off.floatingip.fixed_ip_address, null);
    assert.equal(off.floatingip.router_id, null);
    assert.equal(off.floatingip.status, 'DOWN');

    assert.equal((await net(bob.token, 'GET', `/floatingips/${fip.id}`)).status, 404);
    const listed = await ok(net(t.alice.token, 'GET', `/floatingips?floating_network_id=${t.ext.networkId}`), 200);
    assert.ok(listed.floatingips.some((f: { id: string }) => f.id === fip.id));
    assert.equal((await net(t.alice.token, 'DELETE', `/floatingips/${fip.id}`)).status, 204);
    assert.equal(
      (await net(t.alice.token, 'GET', `/floatingips/${fip.id}`)).body.NeutronError.type,
      'FloatingIPNotFound',
    );
    assert.equal((await ok(net(t.cloud.adminToken, 'GET', `/ports?device_id=${fip.id}`), 200)).ports.length, 0);
  });

  it('refuses private networks, unreachable ports and a chosen address from a member', async () => {
    const { net, ok } = t.l3;
    const lonely = await t.l3.tenantNetwork(t.alice.token, '10.30.0.0/24');
    const lp = await t.l3.port(t.alice.token, lonely.networkId);
    const cases: [unknown, number, string][] = [
      [{ floatingip: { floating_network_id: t.inside.networkId } }, 400, 'BadRequest'],
      [
        { floatingip: { floating_network_id: t.ext.networkId, port_id: lp.id } },
        404,
        'ExternalGatewayForFloatingIPNotFound',
      ],
      [
        { floatingip: { floating_network_id: t.ext.networkId, floating_ip_address: '172.24.8.99' } },
        403,
        'PolicyNotAuthorized',
      ],
      [{ floatingip: {} }, 400, 'HTTPBadRequest'],
      [{ floatingip: { floating_network_id: t.ext.networkId, fixed_ip_address: '10.20.0.5' } }, 400, 'BadRequest'],
    ];
    for (const [body, status, type] of cases) {
      const res = await net(t.alice.token, 'POST', '/floatingips', body);
      assert.equal(res.status, status, JSON.stringify([body, res.body]));
      assert.equal(res.body.NeutronError.type, type, JSON.stringify(body));
    }
    const chosen = await ok(
      net(t.cloud.adminToken, 'POST', '/floatingips', {
        floatingip: {
          floating_network_id: t.ext.networkId,
          floating_ip_address: '172.24.8.99',
          project_id: t.alice.projectId,
        },
      }),
      201,
    );
    assert.equal(chosen.floatingip.floating_ip_address, '172.24.8.99');
    assert.equal(chosen.floatingip.status, 'DOWN');
    assert.equal((await net(t.alice.token, 'DELETE', `/floatingips/${chosen.floatingip.id}`)).status, 204);
  });

  it('stops at the floatingip quota', async () => {
    const { net, ok } = t.l3;
    await ok(net(t.cloud.adminToken, 'PUT', `/quotas/${bob.projectId}`, { quota: { floatingip: 10 } }), 200);
    for (let i = 0; i < 10; i++)
      await ok(net(bob.token, 'POST', '/floatingips', { floatingip: { floating_network_id: t.ext.networkId } }), 201);
    const over = await net(bob.token, 'POST', '/floatingips', { floatingip: { floating_network_id: t.ext.networkId } });
    assert.equal(over.status, 409);
    assert.equal(over.body.NeutronError.type, 'OverQuota');
  });
});
