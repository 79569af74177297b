import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';
import { l3Client } from '../l3-fixture.ts';

describe('routers', () => {
  let cloud: TestCloud;
  let alice: Member;
  let bob: Member;
  let l3: ReturnType<typeof l3Client>;
  let ext: { networkId: string; subnetId: string };

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'rt-alice');
    bob = await createMember(cloud, 'rt-bob');
    l3 = l3Client(cloud);
    ext = await l3.externalNetwork('172.24.4.0/24');
  });
  after(() => cloud.close());

  it('creates, shows, lists, updates and deletes a router with Neutron defaults', async () => {
    const { net, ok } = l3;
    const r = await l3.router(alice.token, { name: 'r1', admin_state_up: false });
    assert.equal(r.name, 'r1');
    assert.equal(r.admin_state_up, false);
    assert.equal(r.status, 'ACTIVE');
    assert.equal(r.external_gateway_info, null);
    assert.deepEqual(r.routes, []);
    assert.equal(r.project_id, alice.projectId);
    assert.equal(r.distributed, undefined, 'distributed is admin-only to see');
    assert.equal(r.flavor_id, null);
    assert.equal(r.revision_number, 0);
    const asAdmin = await ok(net(cloud.adminToken, 'GET', `/routers/${r.id}`), 200);
    assert.equal(asAdmin.router.distributed, false);
    assert.equal(asAdmin.router.ha, false);

    assert.equal((await net(bob.token, 'GET', `/routers/${r.id}`)).status, 404);
    const missing = await net(alice.token, 'GET', '/routers/00000000-0000-0000-0000-000000000000');
    assert.equal(missing.body.NeutronError.type, 'RouterNotFound');
    const list = await ok(net(alice.token, 'GET', '/routers?name=r1&fields=id&fields=name'), 200);
    assert.deepEqual(list.routers, [{ id: r.id, name: 'r1' }]);
    assert.deepEqual((await ok(net(bob.token, 'GET', '/routers'), 200)).routers, []);

    const up = await ok(net(alice.token, 'PUT', `/routers/${r.id}`, { router: { admin_state_up: true } }), 200);
    assert.equal(up.router.admin_state_up, true);
    assert.equal(up.router.revision_number, 1);
    assert.equal((await net(bob.token, 'DELETE', `/routers/${r.id}`)).status, 404);
    assert.equal((await net(alice.token, 'DELETE', `/routers/${r.id}`)).status, 204);
    assert.equal((await net(alice.token, 'GET', `/routers/${r.id}`)).status, 404);
  });

  it('refuses bad gateways and admin-only attributes', async () => {
    const { net } = l3;
    const priv = await l3.tenantNetwork(alice.token, '10.9.0.0/24');
    const cases: [unknown, number, string][] = [
      [{ router: { distributed: true } }, 403, 'PolicyNotAuthorized'],
      [{ router: { ha: true } }, 403, 'PolicyNotAuthorized'],
      [{ router: { external_gateway_info: { network_id: priv.networkId } } }, 400, 'BadRequest'],
      [
        { router: { external_gateway_info: { network_id: '00000000-0000-0000-0000-000000000000' } } },
        404,
        'NetworkNotFound',
      ],
      [
        { router: { external_gateway_info: { network_id: ext.networkId, enable_snat: false } } },
        403,
        'PolicyNotAuthorized',
      ],
      [
        {
          router: {
            external_gateway_info: { network_id: ext.networkId, external_fixed_ips: [{ ip_address: '172.24.4.50' }] },
          },
        },
        403,
        'PolicyNotAuthorized',
      ],
      [{ router: { external_gateway_info: { colour: 'red' } } }, 400, 'HTTPBadRequest'],
      [{ router: { routes: [] } }, 400, 'HTTPBadRequest'],
      [{ router: { name: 5 } }, 400, 'HTTPBadRequest'],
    ];
    for (const [body, status, type] of cases) {
      const res = await net(alice.token, 'POST', '/routers', body);
      assert.equal(res.status, status, JSON.stringify([body, res.body]));
      assert.equal(res.body.NeutronError.type, type, JSON.stringify(body));
    }
  });

  it('sets and clears a gateway, which is a port on the external network', async () => {
    const { net, ok } = l3;
    const r = await l3.router(alice.token, { external_gateway_info: { network_id: ext.networkId } });
    const gw = r.external_gateway_info;
    assert.equal(gw.network_id, ext.networkId);
    assert.equal(gw.enable_snat, true);
    assert.equal(gw.external_fixed_ips.length, 1);
    assert.equal(gw.external_fixed_ips[0].subnet_id, ext.subnetId);
    assert.match(gw.external_fixed_ips[0].ip_address, /^172\.24\.4\./);
    const ports = await ok(net(cloud.adminToken, 'GET', `/ports?device_id=${r.id}`), 200);
    assert.equal(ports.ports.length, 1);
    assert.equal(ports.ports[0].device_owner, 'network:router_gateway');

    const chosen = await ok(
      net(cloud.adminToken, 'PUT', `/routers/${r.id}`, {
        router: {
          external_gateway_info: {
            network_id: ext.networkId,
            enable_snat: false,
            external_fixed_ips: [{ ip_address: '172.24.4.77' }],
          },
        },
      }),
      200,
    );
    assert.equal(chosen.router.external_gateway_info.enable_snat, false);
    assert.equal(chosen.router.external_gateway_info.external_fixed_ips[0].ip_address, '172.24.4.77');

    const cleared = await ok(
      net(alice.token, 'PUT', `/routers/${r.id}`, { router: { external_gateway_info: {} } }),
      200,
    );
    assert.equal(cleared.router.external_gateway_info, null);
    assert.equal((await ok(net(cloud.adminToken, 'GET', `/ports?device_id=${r.id}`), 200)).ports.length, 0);
    assert.equal((await net(alice.token, 'DELETE', `/routers/${r.id}`)).status, 204);
  });

  it('adds and removes interfaces by subnet and by port, with routes through them', async () => {
    const { net, ok } = l3;
    const a = await l3.tenantNetwork(alice.token, '10.1.0.0/24');
    const overlap = await l3.tenantNetwork(alice.token, '10.1.0.0/16');
    const r = await l3.router(alice.token, { external_gateway_info: { network_id: ext.networkId } });
    const put = (action: string, body: unknown) => net(alice.token, 'PUT', `/routers/${r.id}/${action}`, body);

    const added = await ok(put('add_router_interface', { subnet_id: a.subnetId }), 200);
    assert.equal(added.id, r.id);
    assert.equal(added.subnet_id, a.subnetId);
    assert.deepEqual(added.subnet_ids, [a.subnetId]);
    assert.equal(added.network_id, a.networkId);
    assert.equal(added.tenant_id, alice.projectId);
    const port = (await ok(net(alice.token, 'GET', `/ports/${added.port_id}`), 200)).port;
    assert.equal(port.device_id, r.id);
    assert.equal(port.device_owner, 'network:router_interface');
    assert.equal(port.fixed_ips[0].ip_address, a.gateway);

    const again = await put('add_router_interface', { subnet_id: a.subnetId });
    assert.equal(again.status, 400);
    const over = await put('add_router_interface', { subnet_id: overlap.subnetId });
    assert.equal(over.status, 400);
    assert.match(
      over.body.NeutronError.message,
      /^Bad router request: Cidr 10\.1\.0\.0\/16 of subnet .* overlaps with cidr 10\.1\.0\.0\/24/,
    );
    assert.equal((await put('add_router_interface', {})).status, 400);
    assert.equal(
      (await net(bob.token, 'PUT', `/routers/${r.id}/add_router_interface`, { subnet_id: a.subnetId })).status,
      404,
    );

    const bad = await net(alice.token, 'PUT', `/routers/${r.id}`, {
      router: { routes: [{ destination: '192.168.50.0/24', nexthop: '10.200.0.1' }] },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.NeutronError.type, 'InvalidRoutes');
    const routes = [{ destination: '192.168.50.0/24', nexthop: '10.1.0.9' }];
    const withRoutes = await ok(net(alice.token, 'PUT', `/routers/${r.id}`, { router: { routes } }), 200);
    assert.deepEqual(withRoutes.router.routes, routes);
    const inUse = await put('remove_router_interface', { subnet_id: a.subnetId });
    assert.equal(inUse.status, 409);
    assert.equal(inUse.body.NeutronError.type, 'RouterInterfaceInUseByRoute');
    const noRoutes = await ok(net(alice.token, 'PUT', `/routers/${r.id}`, { router: { routes: null } }), 200);
    assert.deepEqual(noRoutes.router.routes, []);

    const busy = await net(alice.token, 'DELETE', `/routers/${r.id}`);
    assert.equal(busy.status, 409);
    assert.equal(busy.body.NeutronError.type, 'RouterInUse');

    const removed = await ok(put('remove_router_interface', { subnet_id: a.subnetId }), 200);
    assert.equal(removed.port_id, added.port_id);
    assert.equal((await net(alice.token, 'GET', `/ports/${added.port_id}`)).status, 404);
    const gone = await put('remove_router_interface', { subnet_id: a.subnetId });
    assert.equal(gone.status, 404);
    assert.equal(gone.body.NeutronError.type, 'RouterInterfaceNotFoundForSubnet');

    const p = await l3.port(alice.token, a.networkId);
    const byPort = await ok(put('add_router_interface', { port_id: p.id }), 200);
    assert.equal(byPort.port_id, p.id);
    assert.equal(byPort.subnet_id, a.subnetId);
    const attached = (await ok(net(alice.token, 'GET', `/ports/${p.id}`), 200)).port;
    assert.equal(attached.device_id, r.id);
    assert.equal(attached.device_owner, 'network:router_interface');
    const other = await l3.router(alice.token, {});
    const taken = await net(alice.token, 'PUT', `/routers/${other.id}/add_router_interface`, { port_id: p.id });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.NeutronError.type, 'PortInUse');
    const wrong = await put('remove_router_interface', { port_id: '00000000-0000-0000-0000-000000000000' });
    assert.equal(wrong.body.NeutronError.type, 'RouterInterfaceNotFound');
    await ok(put('remove_router_interface', { port_id: p.id }), 200);

    assert.equal((await net(alice.token, 'DELETE', `/routers/${r.id}`)).status, 204);
    assert.equal((await ok(net(cloud.adminToken, 'GET', `/ports?device_id=${r.id}`), 200)).ports.length, 0);
  });
});
