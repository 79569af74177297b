import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';
import { l3Client } from '../l3-fixture.ts';

describe('port forwardings', () => {
  let cloud: TestCloud;
  let alice: Member;
  let bob: Member;
  let l3: ReturnType<typeof l3Client>;
  let ext: { networkId: string; subnetId: string };
  let inside: { networkId: string; subnetId: string; gateway: string };
  let router: Record<string, any>;

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'pf-alice');
    bob = await createMember(cloud, 'pf-bob');
    l3 = l3Client(cloud);
    ext = await l3.externalNetwork('172.24.12.0/24');
    inside = await l3.tenantNetwork(alice.token, '10.40.0.0/24');
    router = await l3.router(alice.token, { external_gateway_info: { network_id: ext.networkId } });
    await l3.ok(
      l3.net(alice.token, 'PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: inside.subnetId }),
      200,
    );
  });
  after(() => cloud.close());

  it('forwards ports of an unassociated floating IP and keeps it from being associated', async () => {
    const { net, ok } = l3;
    const vm = await l3.port(alice.token, inside.networkId);
    const vmIp = vm.fixed_ips[0].ip_address;
    const fip = (
      await ok(net(alice.token, 'POST', '/floatingips', { floatingip: { floating_network_id: ext.networkId } }), 201)
    ).floatingip;
    const base = `/floatingips/${fip.id}/port_forwardings`;
    const pfBody = {
      internal_port_id: vm.id,
      internal_ip_address: vmIp,
      internal_port: 22,
      external_port: 2222,
      protocol: 'tcp',
    };
    const pf = (await ok(net(alice.token, 'POST', base, { port_forwarding: pfBody }), 201)).port_forwarding;
    assert.equal(pf.external_port, 2222);
    assert.equal(pf.internal_port, 22);
    assert.equal(pf.protocol, 'tcp');
    assert.equal(pf.internal_port_id, vm.id);
    assert.equal(pf.internal_ip_address, vmIp);

    const shown = await ok(net(alice.token, 'GET', `/floatingips/${fip.id}`), 200);
    assert.equal(shown.floatingip.router_id, router.id);
    assert.deepEqual(shown.floatingip.port_forwardings[0], {
      protocol: 'tcp',
      internal_ip_address: vmIp,
      internal_port: 22,
      external_port: 2222,
    });

    const dup = await net(alice.token, 'POST', base, { port_forwarding: { ...pfBody, internal_port: 23 } });
    assert.equal(dup.status, 400);
    const wrongIp = await net(alice.token, 'POST', base, {
      port_forwarding: { ...pfBody, internal_ip_address: '10.40.0.250', external_port: 3000 },
    });
    assert.equal(wrongIp.status, 400);
    const badProto = await net(alice.token, 'POST', base, { port_forwarding: { ...pfBody, protocol: 'icmp' } });
    assert.equal(badProto.status, 400);
    assert.equal((await net(bob.token, 'GET', base)).status, 404);

    const assoc = await net(alice.token, 'PUT', `/floatingips/${fip.id}`, { floatingip: { port_id: vm.id } });
    assert.equal(assoc.status, 409);
    assert.equal(assoc.body.NeutronError.type, 'FipInUseByPortForwarding');

    const list = await ok(net(alice.token, 'GET', `${base}?protocol=tcp`), 200);
    assert.deepEqual(
      list.port_forwardings.map((x: { id: string }) => x.id),
      [pf.id],
    );
    const updated = await ok(
      net(alice.token, 'PUT', `${base}/${pf.id}`, { port_forwarding: { external_port: 2200 } }),
      200,
    );
    assert.equal(updated.port_forwarding.external_port, 2200);
    assert.equal((await net(alice.token, 'DELETE', `${base}/${pf.id}`)).status, 204);
    assert.equal((await net(alice.token, 'GET', `${base}/${pf.id}`)).body.NeutronError.type, 'PortForwardingNotFound');
    const after = await ok(net(alice.token, 'GET', `/floatingips/${fip.id}`), 200);
    assert.equal(after.floatingip.router_id, null);
  });

  it('refuses a port forwarding on an associated floating IP', async () => {
    const { net, ok } = l3;
    const vm = await l3.port(alice.token, inside.networkId);
    const other = await l3.port(alice.token, inside.networkId);
    const fip = (
      await ok(
        net(alice.token, 'POST', '/floatingips', {
          floatingip: { floating_network_id: ext.networkId, port_id: vm.id },
        }),
        201,
      )
    ).floatingip;
    const res = await net(alice.token, 'POST', `/floatingips/${fip.id}/port_forwardings`, {
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
