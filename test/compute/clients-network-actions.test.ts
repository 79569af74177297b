import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import type { ComputeDeps } from '../../src/compute/deps.ts';
import { addFloatingIp, removeFloatingIp } from '../../src/compute/floating-ip-actions.ts';
import { parseInfoCache, saveInfoCache } from '../../src/compute/info-cache.ts';
import type { ApiError } from '../../src/core/errors.ts';
import { cloudWithClients, insertInstance, makeNetwork } from './clients-harness.ts';

test('server actions addFloatingIp / removeFloatingIp over Neutron (the logic the action route calls)', async (t) => {
  const { cloud, base, network, image, adminProjectId } = await cloudWithClients(t);
  const deps = { ...base, network, image } as unknown as ComputeDeps;
  const token = cloud.adminToken;
  // What the helpers read of the request: the caller's token (Fastify's request, as the action route has it).
  const req = { ctx: { requireAuth: () => ({ token }) } } as unknown as FastifyRequest;

  const priv = await makeNetwork(cloud, 'private', '10.11.0.0/24');
  const ext = await makeNetwork(cloud, 'public', '172.24.11.0/24', { 'router:external': true });
  const router = await cloud.call('POST', '/networking/v2.0/routers', {
    token,
    body: { router: { name: 'r', external_gateway_info: { network_id: ext.networkId } } },
  });
  await cloud.call('PUT', `/networking/v2.0/routers/${router.body.router.id}/add_router_interface`, {
    token,
    body: { subnet_id: priv.subnetId },
  });
  const uuid = randomUUID();
  await insertInstance(base.db, { uuid, project_id: adminProjectId });
  const info = await network.allocatePorts(
    { uuid, project_id: adminProjectId, availability_zone: null, hostname: 'vm' },
    { requested: [{ network_id: priv.networkId }], securityGroupIds: [] },
    'host-1',
  );
  await saveInfoCache(base.db, uuid, info);
  const cached = async () =>
    parseInfoCache(
      (await base.db.selectFrom('instances').select('info_cache').where('uuid', '=', uuid).executeTakeFirst())
        ?.info_cache,
    );

  const fip = await cloud.call('POST', '/networking/v2.0/floatingips', {
    token,
    body: { floatingip: { floating_network_id: ext.networkId } },
  });
  const address = fip.body.floatingip.floating_ip_address;
  await addFloatingIp(deps, req, { uuid }, { address });
  const shown = await cloud.call('GET', `/networking/v2.0/floatingips/${fip.body.floatingip.id}`, { token });
  assert.equal(shown.body.floatingip.port_id, info[0].id);
  for (let i = 0; (await cached())[0].floating_ips.length !== 1; i++) {
    assert.ok(i < 100, 'the server info shows the floating IP');
    await new Promise((r) => setTimeout(r, 20));
  }
  await assert.rejects(addFloatingIp(deps, req, { uuid }, { address: '0.0.0.0' }), (e: ApiError) => e.status === 404);
  const other = randomUUID();
  await assert.rejects(
    removeFloatingIp(deps, req, { uuid: other }, { address }),
    (e: ApiError) =>
      e.status === 409 && e.message === `Floating IP ${address} is not associated with instance ${other}.`,
  );
  await removeFloatingIp(deps, req, { uuid }, { address });
  const after = await cloud.call('GET', `/networking/v2.0/floatingips/${fip.body.floatingip.id}`, { token });
  assert.equal(after.body.floatingip.port_id, null);
});
