import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';
import { createMember } from '../../identity/member-fixture.ts';
import { type BadCase, bad, idsOf, ipUse, MISSING, runBadCases } from '../bad-input-cases.ts';
import { l3Client } from '../l3-fixture.ts';

interface Fixture {
  ext: string;
  extSubnet: string;
  router: string;
  attached: string;
  overlapping: string;
  noGateway: string;
  spare: string;
  internalNet: string;
  unrouted: string;
  unroutedPort: string;
  interfacePort: string;
  othersRouter: string;
  othersSubnet: string;
  othersPort: string;
  othersFip: string;
  fip: string;
  adminToken: string;
}

function routerCases(f: Fixture): BadCase[] {
  const post = (name: string, status: number, type: string, router: unknown, message?: string) =>
    bad(name, status, type, 'POST', '/routers', { body: { router }, message });
  const put = (name: string, status: number, type: string, router: unknown, message?: string) =>
    bad(name, status, type, 'PUT', `/routers/${f.router}`, { body: { router }, message });
  const iface = (name: string, action: string, status: number, type: string, body: unknown, message?: string) =>
    bad(name, status, type, 'PUT', `/routers/${f.router}/${action}`, { body, message });
  return [
    post('router: name not a string', 400, 'HTTPBadRequest', { name: ['r'] }),
    post('router: gateway info not a dict', 400, 'HTTPBadRequest', { external_gateway_info: 'public' }),
    post('router: gateway on an unknown network', 404, 'NetworkNotFound', {
      external_gateway_info: { network_id: MISSING },
    }),
    post('router: gateway on an internal network', 400, 'BadRequest', {
      external_gateway_info: { network_id: f.internalNet },
    }),
    post('router: enable_snat by a member', 403, 'PolicyNotAuthorized', {
      external_gateway_info: { network_id: f.ext, enable_snat: false },
    }),
    post('router: unknown extension attribute qos_policy_id', 400, 'HTTPBadRequest', { qos_policy_id: MISSING }),
    post('router: read-only status on create', 400, 'HTTPBadRequest', { status: 'ACTIVE' }),
    put('router update: routes not a list', 400, 'HTTPBadRequest', { routes: '0.0.0.0/0' }),
    put('router update: route destination not a CIDR', 400, 'HTTPBadRequest', {
      routes: [{ destination: 'anywhere', nexthop: '10.70.0.9' }],
    }),
    put('router update: nexthop not on a connected subnet', 400, 'InvalidRoutes', {
      routes: [{ destination: '192.168.0.0/24', nexthop: '10.99.0.1' }],
    }),
    put('router update: read-only status', 400, 'HTTPBadRequest', { status: 'DOWN' }),
    bad('router update: If-Match mismatch', 412, 'RevisionNumberConstraintFailed', 'PUT', `/routers/${f.router}`, {
      body: { router: { name: 'x' } },
      headers: { 'if-match': 'revision_number=999' },
    }),
    iface('interface: neither subnet nor port', 'add_router_interface', 400, 'BadRequest', {}),
    iface('interface: both subnet and port', 'add_router_interface', 400, 'BadRequest', {
      subnet_id: f.spare,
      port_id: f.unroutedPort,
    }),
    iface('interface: subnet_id not a UUID', 'add_router_interface', 400, 'BadRequest', { subnet_id: 's1' }),
    iface(
      'interface: overlapping CIDRs on one router',
      'add_router_interface',
      400,
      'BadRequest',
      {
        subnet_id: f.overlapping,
      },
      'overlaps with',
    ),
    iface('interface: the same subnet twice', 'add_router_interface', 400, 'BadRequest', { subnet_id: f.attached }),
    iface('interface: subnet without a gateway', 'add_router_interface', 400, 'BadRequest', {
      subnet_id: f.noGateway,
    }),
    iface('interface: unknown subnet', 'add_router_interface', 404, 'SubnetNotFound', { subnet_id: MISSING }),
    iface("interface: another project's subnet", 'add_router_interface', 404, 'SubnetNotFound', {
      subnet_id: f.othersSubnet,
    }),
    iface("interface: another project's port", 'add_router_interface', 404, 'PortNotFound', {
      port_id: f.othersPort,
    }),
    iface('interface: remove one never added', 'remove_router_interface', 404, 'RouterInterfaceNotFoundForSubnet', {
      subnet_id: f.spare,
    }),
    bad("router: another project's router (show)", 404, 'RouterNotFound', 'GET', `/routers/${f.othersRouter}`),
    bad("router: another project's router (update)", 404, 'RouterNotFound', 'PUT', `/routers/${f.othersRouter}`, {
      body: { router: { name: 'mine' } },
    }),
    bad(
      "router: another project's router (add interface)",
      404,
      'RouterNotFound',
      'PUT',
      `/routers/${f.othersRouter}/add_router_interface`,
      {
        body: { subnet_id: f.spare },
      },
    ),
    bad('router: delete one with interfaces', 409, 'RouterInUse', 'DELETE', `/routers/${f.router}`),
    bad(
      'port: delete a router interface port directly',
      409,
      'ServicePortInUse',
      'DELETE',
      `/ports/${f.interfacePort}`,
    ),
  ];
}

function floatingIpCases(f: Fixture): BadCase[] {
  const post = (name: string, status: number, type: string, floatingip: Record<string, unknown>) =>
    bad(name, status, type, 'POST', '/floatingips', {
      body: { floatingip: { floating_network_id: f.ext, ...floatingip } },
    });
  const put = (name: string, status: number, type: string, floatingip: unknown) =>
    bad(name, status, type, 'PUT', `/floatingips/${f.fip}`, { body: { floatingip } });
  return [
    post('floating IP: no floating_network_id', 400, 'HTTPBadRequest', { floating_network_id: undefined }),
    post('floating IP: floating_network_id not a UUID', 400, 'HTTPBadRequest', { floating_network_id: 'public' }),
    post('floating IP: unknown network', 404, 'NetworkNotFound', { floating_network_id: MISSING }),
    post('floating IP: internal network', 400, 'BadRequest', { floating_network_id: f.internalNet }),
    post('floating IP: address not an address', 400, 'HTTPBadRequest', { floating_ip_address: '172.24.300.1' }),
    post('floating IP: an address by a member', 403, 'PolicyNotAuthorized', { floating_ip_address: '172.24.9.50' }),
    {
      ...post('floating IP: address outside the external subnets', 400, 'InvalidIpForNetwork', {
        floating_ip_address: '10.99.0.5',
      }),
      token: f.adminToken,
    },
    post('floating IP: unknown port', 404, 'PortNotFound', { port_id: MISSING }),
    post("floating IP: another project's port", 404, 'PortNotFound', { port_id: f.othersPort }),
    post('floating IP: port with no router to the external network', 404, 'ExternalGatewayForFloatingIPNotFound', {
      port_id: f.unroutedPort,
    }),
    post('floating IP: fixed_ip_address without port_id', 400, 'BadRequest', { fixed_ip_address: '10.70.0.5' }),
    post('floating IP: unknown extension attribute qos_policy_id', 400, 'HTTPBadRequest', { qos_policy_id: MISSING }),
    put('floating IP update: read-only floating_network_id', 400, 'HTTPBadRequest', { floating_network_id: f.ext }),
    put('floating IP update: read-only floating_ip_address', 400, 'HTTPBadRequest', {
      floating_ip_address: '172.24.9.9',
    }),
    put('floating IP update: unknown port', 404, 'PortNotFound', { port_id: MISSING }),
    bad("floating IP: another project's (show)", 404, 'FloatingIPNotFound', 'GET', `/floatingips/${f.othersFip}`),
    bad("floating IP: another project's (delete)", 404, 'FloatingIPNotFound', 'DELETE', `/floatingips/${f.othersFip}`),
  ];
}

test('routers and floating IPs: bad requests answer Neutron 4xx bodies and write nothing', async (t) => {
  const cloud = await startCloud(t);
  const alice = await createMember(cloud, 'bad-l3-alice');
  const bob = await createMember(cloud, 'bad-l3-bob');
  const l3 = l3Client(cloud);
  const ext = await l3.externalNetwork('172.24.9.0/24');
  const inside = await l3.tenantNetwork(alice.token, '10.70.0.0/24');
  const twin = await l3.tenantNetwork(alice.token, '10.70.0.0/24');
  const spare = await l3.tenantNetwork(alice.token, '10.71.0.0/24');
  const unrouted = await l3.tenantNetwork(alice.token, '10.72.0.0/24');
  const bare = await l3.ok(
    l3.net(alice.token, 'POST', '/subnets', {
      subnet: { network_id: spare.networkId, ip_version: 4, cidr: '10.73.0.0/24', gateway_ip: null },
    }),
    201,
  );
  const router = await l3.router(alice.token, { external_gateway_info: { network_id: ext.networkId } });
  const added = await l3.ok(
    l3.net(alice.token, 'PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: inside.subnetId }),
    200,
  );
  const bobs = await l3.tenantNetwork(bob.token, '10.80.0.0/24');
  const bobsRouter = await l3.router(bob.token, { external_gateway_info: { network_id: ext.networkId } });
  await l3.ok(
    l3.net(bob.token, 'PUT', `/routers/${bobsRouter.id}/add_router_interface`, { subnet_id: bobs.subnetId }),
    200,
  );
  const bobsPort = await l3.port(bob.token, bobs.networkId);
  const bobsFip = await l3.ok(
    l3.net(bob.token, 'POST', '/floatingips', { floatingip: { floating_network_id: ext.networkId } }),
    201,
  );
  const fip = await l3.ok(
    l3.net(alice.token, 'POST', '/floatingips', { floatingip: { floating_network_id: ext.networkId } }),
    201,
  );
  const unroutedPort = await l3.port(alice.token, unrouted.networkId);
  const f: Fixture = {
    ext: ext.networkId,
    extSubnet: ext.subnetId,
    router: router.id,
    attached: inside.subnetId,
    overlapping: twin.subnetId,
    noGateway: bare.subnet.id,
    spare: spare.subnetId,
    internalNet: inside.networkId,
    unrouted: unrouted.networkId,
    unroutedPort: unroutedPort.id,
    interfacePort: added.port_id,
    othersRouter: bobsRouter.id,
    othersSubnet: bobs.subnetId,
    othersPort: bobsPort.id,
    othersFip: bobsFip.floatingip.id,
    fip: fip.floatingip.id,
    adminToken: cloud.adminToken,
  };
  const before = {
    routers: await idsOf(cloud, cloud.adminToken, 'routers'),
    floatingips: await idsOf(cloud, cloud.adminToken, 'floatingips'),
    ports: await idsOf(cloud, cloud.adminToken, 'ports'),
    extUse: await ipUse(cloud, ext.networkId),
    router: (await l3.net(alice.token, 'GET', `/routers/${router.id}`)).body.router,
  };

  await runBadCases(t, cloud, alice.token, [...routerCases(f), ...floatingIpCases(f)]);

  await t.test('nothing was written by any failed request', async () => {
    assert.deepEqual(await idsOf(cloud, cloud.adminToken, 'routers'), before.routers);
    assert.deepEqual(await idsOf(cloud, cloud.adminToken, 'floatingips'), before.floatingips);
    assert.deepEqual(await idsOf(cloud, cloud.adminToken, 'ports'), before.ports, 'no gateway or interface port left');
    assert.deepEqual(await ipUse(cloud, ext.networkId), before.extUse, 'no external address leaked');
    assert.deepEqual((await l3.net(alice.token, 'GET', `/routers/${router.id}`)).body.router, before.router);
  });
});
