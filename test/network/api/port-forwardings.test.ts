import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMember, type Member } from '../../identity/member-fixture.ts';
import { type RoutedCloud, startRoutedCloud } from '../l3-fixture.ts';

describe('port forwardings', () => {
  let t: RoutedCloud;
  let bob: Member;

  before(async () => {
    t = await startRoutedCloud('pf', { ext: '172.24.12.0/24', inside: '10.40.0.0/24' });
    bob = await createMember(t.cloud, 'pf-bob');
  });
  after(() => t.cloud.close());

  it('forwards ports of an unassociated floating IP and keeps it from being associated', async () => {
    const { net, ok } = t.l3;
    const vm = await t.l3.port(t.alice.token, t.inside.networkId);
    const vmIp = vm.fixed_ips[0].ip_address;
    const fip = await t.l3.floatingIp(t.alice.token, { floating_network_id: t.ext.networkId });
    const base = `/floatingips/${fip.id}/port_forwardings`;
    const pfBody = {
      internal_port_id: vm.id,
      internal_ip_address: vmIp,
      internal_port: 22,
      external_port: 2222,
      protocol: 'tcp',
    };
    const pf = (await ok(net(t.alice.token, 'POST', base, { port_forwarding: pfBody }), 201)).port_forwarding;
    assert.equal(pf.external_port, 2222);
    assert.equal(pf.internal_port, 22);
    assert.equal(pf.protocol, 'tcp');
    assert.equal(pf.internal_port_id, vm.id);
    assert.equal(pf.internal_ip_address, vmIp);

    const shown = await ok(net(t.alice.token, 'GET', `/floatingips/${fip.id}`), 200);
    assert.equal(shown.floatingip.router_id, t.router.id);
    assert.deepEqual(shown.floatingip.port_forwardings[0], {
      protocol: 'tcp',
      internal_ip_address: vmIp,
      internal_port: 22,
      external_port: 2222,
    });

    const dup = await net(t.alice.token, 'POST', base, { port_forwarding: { ...pfBody, internal_port: 23 } });
    assert.equal(dup.status, 400);
    const wrongIp = await net(t.alice.token, 'POST', base, {
      port_forwarding: { ...pfBody, internal_ip_address: '10.40.0.250', external_port: 3000 },
    });
    assert.equal(wrongIp.status, 400);
    const badProto = await net(t.alice.token, 'POST', base, { port_forwarding: { ...pfBody, protocol: 'icmp' } });
    assert.equal(badProto.status, 400);
    assert.equal((await net(bob.token, 'GET', base)).status, 404);

    const assoc = await net(t.alice.token, 'PUT', `/floatingips/${fip.id}`, { floatingip: { port_id: vm.id } });
    assert.equal(assoc.status, 409);
    assert.equal(assoc.body.NeutronError.type, 'FipInUseByPortForwarding');

    const list = await ok(net(t.alice.token, 'GET', `${base}?protocol=tcp`), 200);
    assert.deepEqual(
      list.port_forwardings.map((x: { id: string }) => x.id),
      [pf.id],
    );
    const updated = await ok(
      net(t.alice.token, 'PUT', `${base}/${pf.id}`, { port_forwarding: { external_port: 2200 } }),
      200,
    );
    assert.equal(updated.port_forwarding.external_port, 2200);
    assert.equal((await net(t.alice.token, 'DELETE', `${base}/${pf.id}`)).status, 204);
    assert.equal(
      (await net(t.alice.token, 'GET', `${base}/${pf.id}`)).body.NeutronError.type,
      'PortForwardingNotFound',
    );
    const after = await ok(net(t.alice.token, 'GET', `/floatingips/${fip.id}`), 200);
    assert.equal(after.floatingip.router_id, null);
  });

  it('refuses a port forwarding on an associated floating IP', async () => {
    const { net, ok } = t.l3;
    const vm = await t.l3.port(t.alice.token, t.inside.networkId);
    const other = await t.l3.port(t.alice.token, t.inside.networkId);
    const fip = (
      await ok(
        net(t.alice.token, 'POST', '/floatingips', {
          floatingip: { floating_network_id: t.ext.networkId, port_id: vm.id },
        }),
        201,
      )
    ).floatingip;
    const res = await net(t.alice.token, 'POST', `/floatingips/${fip.id}/port_forwardings`, {
      port_forwarding: {
        internal_port_id: other.id,
        internal_ip_address: other.fixed_ips[0].ip_address,
        internal_port: 80,
        external_port: 8080,
        protocol: 'tcp',
      },
    });
    assert.equal(res.status, 409);
    assert.equal(res.body.NeutronError.type, 'FloatingIPPortAlreadyAssociated');
  });
});
