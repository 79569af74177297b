import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';

describe('ports', () => {
  let cloud: TestCloud;
  let alice: Member;
  let bob: Member;
  const net = (token: string, method: string, path: string, body?: unknown) =>
    cloud.call(method, `/networking/v2.0${path}`, { token, body });
  const networkWithSubnet = async (token: string, cidr: string, extra: Record<string, unknown> = {}) => {
    const n = (await net(token, 'POST', '/networks', { network: { name: 'pn', ...extra } })).body.network;
    const s = (await net(token, 'POST', '/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr } })).body.subnet;
    return { n, s };
  };

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'port-alice');
    bob = await createMember(cloud, 'port-bob');
  });
  after(() => cloud.close());

  it('creates a port with an address, a MAC, DNS assignment and the default security group', async () => {
    const { n, s } = await networkWithSubnet(alice.token, '10.10.0.0/24');
    const r = await net(alice.token, 'POST', '/ports', { port: { network_id: n.id, name: 'p1' } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const p = r.body.port;
    assert.deepEqual(p.fixed_ips, [{ subnet_id: s.id, ip_address: '10.10.0.2' }]);
    assert.match(p.mac_address, /^fa:16:3e(:[0-9a-f]{2}){3}$/);
    assert.equal(p.status, 'DOWN');
    assert.equal(p.admin_state_up, true);
    assert.equal(p.port_security_enabled, true);
    assert.equal(p.security_groups.length, 1);
    assert.deepEqual(p.dns_assignment, [
      { ip_address: '10.10.0.2', hostname: 'host-10-10-0-2', fqdn: 'host-10-10-0-2.openstacklocal.' },
    ]);
    assert.equal(p['binding:host_id'], undefined, 'binding attributes are admin-only');
    const asAdmin = (await net(cloud.adminToken, 'GET', `/ports/${p.id}`)).body.port;
    assert.equal(asAdmin['binding:vif_type'], 'unbound');
    assert.equal(asAdmin['binding:vnic_type'], 'normal');
    assert.equal((await net(bob.token, 'GET', `/ports/${p.id}`)).status, 404);

    const byIp = await net(alice.token, 'GET', '/ports?fixed_ips=ip_address%3D10.10.0.2');
    assert.deepEqual(
      byIp.body.ports.map((x: { id: string }) => x.id),
      [p.id],
    );
    const bySubnet = await net(alice.token, 'GET', `/ports?fixed_ips=subnet_id%3D${s.id}&device_owner=`);
    assert.deepEqual(
      bySubnet.body.ports.map((x: { id: string }) => x.id),
      [p.id],
    );
    const substr = await net(alice.token, 'GET', '/ports?fixed_ips=ip_address_substr%3D10.10.0');
    assert.equal(substr.body.ports.length, 1);
  });

  it('honours requested addresses and MACs with Neutron errors', async () => {
    const { n, s } = await networkWithSubnet(alice.token, '10.11.0.0/24');
    const ask = (port: Record<string, unknown>) =>
      net(alice.token, 'POST', '/ports', { port: { network_id: n.id, ...port } });
    const a = await ask({ fixed_ips: [{ ip_address: '10.11.0.50' }], mac_address: 'fa:16:3e:aa:bb:cc' });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    assert.deepEqual(a.body.port.fixed_ips, [{ subnet_id: s.id, ip_address: '10.11.0.50' }]);
    const taken = await ask({ fixed_ips: [{ subnet_id: s.id, ip_address: '10.11.0.50' }] });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.NeutronError.type, 'IpAddressAlreadyAllocated');
    const outside = await ask({ fixed_ips: [{ subnet_id: s.id, ip_address: '10.12.0.5' }] });
    assert.equal(outside.status, 400);
    assert.equal(outside.body.NeutronError.type, 'InvalidIpForSubnet');
    const mac = await ask({ mac_address: 'fa:16:3e:aa:bb:cc' });
    assert.equal(mac.status, 409);
    assert.equal(mac.body.NeutronError.type, 'MacAddressInUse');
    const sg = await ask({ security_groups: ['00000000-0000-0000-0000-000000000000'] });
    assert.equal(sg.status, 404);
    assert.equal(sg.body.NeutronError.type, 'SecurityGroupNotFound');
    const noSec = await ask({ port_security_enabled: false, security_groups: [] });
    assert.equal(noSec.status, 201, JSON.stringify(noSec.body));
    assert.deepEqual(noSec.body.port.security_groups, []);
    const conflictSec = await ask({
      port_security_enabled: false,
      allowed_address_pairs: [{ ip_address: '10.0.0.9' }],
    });
    assert.equal(conflictSec.status, 409);
    assert.equal(conflictSec.body.NeutronError.type, 'AddressPairAndPortSecurityRequired');
    // Nothing of the failed creates is left behind: the address is still free.
    const again = await ask({ fixed_ips: [{ ip_address: '10.11.0.51' }] });
    assert.equal(again.status, 201);
  });

  it('updates fixed IPs, pairs, DHCP options and binding; deleting frees the address', async () => {
    const { n, s } = await networkWithSubnet(alice.token, '10.13.0.0/24');
    const s2 = (
      await net(alice.token, 'POST', '/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.14.0.0/24' } })
    ).body.subnet;
    const p = (
      await net(alice.token, 'POST', '/ports', {
        port: { network_id: n.id, fixed_ips: [{ subnet_id: s.id }, { subnet_id: s2.id }] },
      })
    ).body.port;
    assert.equal(p.fixed_ips.length, 2);
    const one = await net(alice.token, 'PUT', `/ports/${p.id}`, { port: { fixed_ips: [{ subnet_id: s.id }] } });
    assert.equal(one.status, 200, JSON.stringify(one.body));
    assert.deepEqual(one.body.port.fixed_ips, [p.fixed_ips[0]]);
    const two = await net(alice.token, 'PUT', `/ports/${p.id}`, {
      port: {
        fixed_ips: [{ subnet_id: s.id }, { subnet_id: s2.id, ip_address: '10.14.0.99' }],
        allowed_address_pairs: [{ ip_address: '10.13.0.200/32' }],
        extra_dhcp_opts: [{ opt_name: 'bootfile-name', opt_value: 'pxelinux.0' }],
        name: 'renamed',
      },
    });
    assert.equal(two.status, 200, JSON.stringify(two.body));
    assert.equal(two.body.port.fixed_ips.length, 2);
    assert.deepEqual(two.body.port.allowed_address_pairs, [
      { ip_address: '10.13.0.200/32', mac_address: p.mac_address },
    ]);
    assert.deepEqual(two.body.port.extra_dhcp_opts, [
      { opt_name: 'bootfile-name', opt_value: 'pxelinux.0', ip_version: 4 },
    ]);
    const noHost = await net(alice.token, 'PUT', `/ports/${p.id}`, { port: { 'binding:host_id': 'h1' } });
    assert.equal(noHost.status, 403);
    const bound = await net(cloud.adminToken, 'PUT', `/ports/${p.id}`, { port: { 'binding:host_id': 'h1' } });
    assert.equal(bound.body.port['binding:vif_type'], 'bridge');
    const disable = await net(alice.token, 'PUT', `/ports/${p.id}`, { port: { port_security_enabled: false } });
    assert.equal(disable.status, 409);
    assert.equal((await net(alice.token, 'DELETE', `/ports/${p.id}`)).status, 204);
    const reuse = await net(alice.token, 'POST', '/ports', {
      port: { network_id: n.id, fixed_ips: [{ ip_address: '10.14.0.99' }] },
    });
    assert.equal(reuse.status, 201, 'the address was freed');
  });

  it("hides another project's private network and allows shared ones", async () => {
    const { n } = await networkWithSubnet(alice.token, '10.15.0.0/24');
    const hidden = await net(bob.token, 'POST', '/ports', { port: { network_id: n.id } });
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.NeutronError.type, 'NetworkNotFound');
    const shared = await networkWithSubnet(cloud.adminToken, '10.16.0.0/24', { shared: true });
    const ok = await net(bob.token, 'POST', '/ports', { port: { network_id: shared.n.id } });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    const fixed = await net(bob.token, 'POST', '/ports', {
      port: { network_id: shared.n.id, fixed_ips: [{ ip_address: '10.16.0.77' }] },
    });
    assert.equal(fixed.status, 403, 'only the network owner picks addresses');
    const owner = await net(bob.token, 'POST', '/ports', {
      port: { network_id: shared.n.id, device_owner: 'network:dhcp' },
    });
    assert.equal(owner.status, 403);
  });
});
