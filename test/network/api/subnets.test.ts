import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';

describe('subnets', () => {
  let cloud: TestCloud;
  let alice: Member;
  let bob: Member;
  const net = (token: string, method: string, path: string, body?: unknown) =>
    cloud.call(method, `/networking/v2.0${path}`, { token, body });
  const network = async (token: string, extra: Record<string, unknown> = {}) =>
    (await net(token, 'POST', '/networks', { network: { name: 'n', ...extra } })).body.network;

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'sub-alice');
    bob = await createMember(cloud, 'sub-bob');
  });
  after(() => cloud.close());

  it('creates an IPv4 subnet with Neutron defaults and lists it on the network', async () => {
    const n = await network(alice.token);
    const r = await net(alice.token, 'POST', '/subnets', {
      subnet: { network_id: n.id, ip_version: 4, cidr: '10.1.0.0/24' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const s = r.body.subnet;
    assert.equal(s.gateway_ip, '10.1.0.1');
    assert.deepEqual(s.allocation_pools, [{ start: '10.1.0.2', end: '10.1.0.254' }]);
    assert.equal(s.enable_dhcp, true);
    assert.deepEqual(s.dns_nameservers, []);
    assert.deepEqual(s.host_routes, []);
    assert.equal(s.ipv6_ra_mode, null);
    assert.equal(s.project_id, alice.projectId);
    const shown = await net(alice.token, 'GET', `/networks/${n.id}`);
    assert.deepEqual(shown.body.network.subnets, [s.id]);
    assert.equal((await net(bob.token, 'GET', `/subnets/${s.id}`)).status, 404);
    const listed = await net(alice.token, 'GET', `/subnets?network_id=${n.id}&cidr=10.1.0.0/24`);
    assert.deepEqual(
      listed.body.subnets.map((x: { id: string }) => x.id),
      [s.id],
    );
  });

  it('validates cidr, gateway, pools, overlap and IPv6 modes', async () => {
    const n = await network(alice.token);
    const create = (subnet: Record<string, unknown>) =>
      net(alice.token, 'POST', '/subnets', { subnet: { network_id: n.id, ip_version: 4, ...subnet } });
    assert.equal((await create({ cidr: '10.2.0.5/24' })).status, 400);
    assert.equal((await create({ cidr: 'nonsense' })).status, 400);
    assert.equal((await create({ cidr: '10.2.0.0/24', gateway_ip: '10.2.0.0' })).status, 400);
    const out = await create({ cidr: '10.2.0.0/24', allocation_pools: [{ start: '10.2.1.1', end: '10.2.1.9' }] });
    assert.equal(out.status, 400);
    const overlapping = await create({
      cidr: '10.2.0.0/24',
      allocation_pools: [
        { start: '10.2.0.10', end: '10.2.0.20' },
        { start: '10.2.0.15', end: '10.2.0.30' },
      ],
    });
    assert.equal(overlapping.body.NeutronError.type, 'OverlappingAllocationPools');
    const gw = await create({
      cidr: '10.2.0.0/24',
      gateway_ip: '10.2.0.10',
      allocation_pools: [{ start: '10.2.0.5', end: '10.2.0.20' }],
    });
    assert.equal(gw.status, 409);
    const ok = await create({
      cidr: '10.2.0.0/24',
      gateway_ip: null,
      dns_nameservers: ['8.8.8.8'],
      host_routes: [{ destination: '192.168.0.0/16', nexthop: '10.2.0.9' }],
    });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.subnet.gateway_ip, null);
    assert.deepEqual(ok.body.subnet.allocation_pools, [{ start: '10.2.0.1', end: '10.2.0.254' }]);
    const overlap = await create({ cidr: '10.2.0.128/25' });
    assert.equal(overlap.status, 400);
    assert.match(overlap.body.NeutronError.message, /overlaps with another subnet/);

    const v6 = (subnet: Record<string, unknown>) =>
      net(alice.token, 'POST', '/subnets', { subnet: { network_id: n.id, ip_version: 6, ...subnet } });
    assert.equal(
      (await v6({ cidr: '2001:db8::/64', ipv6_ra_mode: 'slaac', ipv6_address_mode: 'dhcpv6-stateful' })).status,
      400,
    );
    assert.equal((await v6({ cidr: '2001:db8::/80', ipv6_address_mode: 'slaac' })).status, 400);
    assert.equal((await v6({ cidr: '2001:db8::/64', ipv6_address_mode: 'slaac', enable_dhcp: false })).status, 400);
    const slaac = await v6({ cidr: '2001:DB8:0:0::/64', ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac' });
    assert.equal(slaac.status, 201, JSON.stringify(slaac.body));
    assert.equal(slaac.body.subnet.cidr, '2001:db8::/64');
    assert.equal(slaac.body.subnet.gateway_ip, '2001:db8::1');
    assert.deepEqual(slaac.body.subnet.allocation_pools, [
      { start: '2001:db8::2', end: '2001:db8::ffff:ffff:ffff:ffff' },
    ]);
  });

  it('updates pools, gateway and name servers; cidr is read-only', async () => {
    const n = await network(alice.token);
    const s = (
      await net(alice.token, 'POST', '/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.3.0.0/24' } })
    ).body.subnet;
    assert.equal((await net(alice.token, 'PUT', `/subnets/${s.id}`, { subnet: { cidr: '10.4.0.0/24' } })).status, 400);
    const u = await net(alice.token, 'PUT', `/subnets/${s.id}`, {
      subnet: {
        name: 'x',
        gateway_ip: '10.3.0.254',
        allocation_pools: [{ start: '10.3.0.10', end: '10.3.0.20' }],
        dns_nameservers: ['1.1.1.1'],
      },
    });
    assert.equal(u.status, 200, JSON.stringify(u.body));
    assert.equal(u.body.subnet.gateway_ip, '10.3.0.254');
    assert.deepEqual(u.body.subnet.allocation_pools, [{ start: '10.3.0.10', end: '10.3.0.20' }]);
    assert.deepEqual(u.body.subnet.dns_nameservers, ['1.1.1.1']);
    assert.equal(u.body.subnet.revision_number, 1);
    const bad = await net(alice.token, 'PUT', `/subnets/${s.id}`, { subnet: { gateway_ip: '10.3.0.15' } });
    assert.equal(bad.status, 409);
    assert.equal((await net(bob.token, 'PUT', `/subnets/${s.id}`, { subnet: { name: 'y' } })).status, 404);
  });

  it('refuses to delete a subnet in use and a network with ports; deletes them afterwards', async () => {
    const n = await network(alice.token);
    const s = (
      await net(alice.token, 'POST', '/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr: '10.5.0.0/24' } })
    ).body.subnet;
    const p = (await net(alice.token, 'POST', '/ports', { port: { network_id: n.id } })).body.port;
    const inUse = await net(alice.token, 'DELETE', `/subnets/${s.id}`);
    assert.equal(inUse.status, 409);
    assert.equal(inUse.body.NeutronError.type, 'SubnetInUse');
    const netInUse = await net(alice.token, 'DELETE', `/networks/${n.id}`);
    assert.equal(netInUse.status, 409);
    assert.equal(netInUse.body.NeutronError.type, 'NetworkInUse');
    assert.equal((await net(alice.token, 'DELETE', `/ports/${p.id}`)).status, 204);
    assert.equal((await net(alice.token, 'DELETE', `/networks/${n.id}`)).status, 204);
    assert.equal((await net(alice.token, 'GET', `/subnets/${s.id}`)).status, 404);
  });

  it('lets SLAAC subnets go with their hosts addresses', async () => {
    const n = await network(alice.token);
    const s = (
      await net(alice.token, 'POST', '/subnets', {
        subnet: {
          network_id: n.id,
          ip_version: 6,
          cidr: '2001:db8:5::/64',
          ipv6_ra_mode: 'slaac',
          ipv6_address_mode: 'slaac',
        },
      })
    ).body.subnet;
    const p = await net(alice.token, 'POST', '/ports', {
      port: { network_id: n.id, mac_address: 'fa:16:3e:11:22:33' },
    });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    assert.deepEqual(p.body.port.fixed_ips, [{ subnet_id: s.id, ip_address: '2001:db8:5:0:f816:3eff:fe11:2233' }]);
    assert.equal((await net(alice.token, 'DELETE', `/subnets/${s.id}`)).status, 204);
    assert.equal((await net(alice.token, 'DELETE', `/networks/${n.id}`)).status, 409);
  });

  it('allocates subnets from a subnet pool; address scopes', async () => {
    const scope = await net(alice.token, 'POST', '/address-scopes', { address_scope: { name: 'sc', ip_version: 4 } });
    assert.equal(scope.status, 201, JSON.stringify(scope.body));
    const pool = await net(alice.token, 'POST', '/subnetpools', {
      subnetpool: {
        name: 'p',
        prefixes: ['10.100.0.0/16'],
        default_prefixlen: 24,
        address_scope_id: scope.body.address_scope.id,
      },
    });
    assert.equal(pool.status, 201, JSON.stringify(pool.body));
    const sp = pool.body.subnetpool;
    assert.equal(sp.ip_version, 4);
    assert.equal(sp.min_prefixlen, '8');
    assert.equal(sp.max_prefixlen, '32');
    assert.equal(
      (
        await net(alice.token, 'POST', '/subnetpools', {
          subnetpool: { name: 'x', prefixes: ['10.0.0.0/8'], shared: true },
        })
      ).status,
      403,
    );
    const n = await network(alice.token);
    const a = await net(alice.token, 'POST', '/subnets', {
      subnet: { network_id: n.id, ip_version: 4, subnetpool_id: sp.id },
    });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    assert.equal(a.body.subnet.cidr, '10.100.0.0/24');
    const n2 = await network(alice.token);
    const b = await net(alice.token, 'POST', '/subnets', {
      subnet: { network_id: n2.id, ip_version: 4, subnetpool_id: sp.id, prefixlen: 28 },
    });
    assert.equal(b.body.subnet.cidr, '10.100.1.0/28');
    assert.equal((await net(alice.token, 'DELETE', `/subnetpools/${sp.id}`)).status, 409);
    assert.equal((await net(alice.token, 'DELETE', `/address-scopes/${scope.body.address_scope.id}`)).status, 409);
    assert.equal((await net(bob.token, 'GET', `/subnetpools/${sp.id}`)).status, 404);
  });
});
