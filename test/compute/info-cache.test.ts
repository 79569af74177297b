import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { addressesOf } from '../../src/compute/clients/network-info.ts';
import type { NetworkInfo } from '../../src/compute/clients/types.ts';
import { parseInfoCache } from '../../src/compute/info-cache.ts';
import type { ComputeDb } from '../../src/compute/tables.ts';
import { cloudWithClients, insertInstance, makeNetwork } from './clients-harness.ts';

async function waitForInfo(db: ComputeDb, uuid: string, ok: (info: NetworkInfo) => boolean): Promise<NetworkInfo> {
  const until = Date.now() + 5000;
  for (;;) {
    const row = await db.selectFrom('instances').select('info_cache').where('uuid', '=', uuid).executeTakeFirst();
    const info = parseInfoCache(row?.info_cache);
    if (ok(info)) return info;
    if (Date.now() > until) throw new Error(`info_cache never matched: ${row?.info_cache}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("Networking's notifications refresh a server's info cache: ports, status, floating IPs", async (t) => {
  const { cloud, base, adminProjectId } = await cloudWithClients(t);
  const token = cloud.adminToken;
  const { networkId, subnetId } = await makeNetwork(cloud, 'private', '10.5.0.0/24');
  const ext = await makeNetwork(cloud, 'public', '172.24.5.0/24', { 'router:external': true });
  const router = await cloud.call('POST', '/networking/v2.0/routers', {
    token,
    body: { router: { name: 'r1', external_gateway_info: { network_id: ext.networkId } } },
  });
  assert.equal(router.status, 201);
  const iface = await cloud.call('PUT', `/networking/v2.0/routers/${router.body.router.id}/add_router_interface`, {
    token,
    body: { subnet_id: subnetId },
  });
  assert.equal(iface.status, 200);

  const uuid = randomUUID();
  await insertInstance(base.db, { uuid, project_id: adminProjectId });
  const port = await cloud.call('POST', '/networking/v2.0/ports', {
    token,
    body: { port: { network_id: networkId, device_id: uuid, device_owner: 'compute:nova' } },
  });
  assert.equal(port.status, 201);
  const portId = port.body.port.id;
  const withPort = await waitForInfo(base.db, uuid, (i) => i.length === 1);
  assert.equal(withPort[0].id, portId);
  assert.equal(withPort[0].network.label, 'private');

  const fip = await cloud.call('POST', '/networking/v2.0/floatingips', {
    token,
    body: { floatingip: { floating_network_id: ext.networkId, port_id: portId } },
  });
  assert.equal(fip.status, 201, JSON.stringify(fip.body));
  const floating = await waitForInfo(base.db, uuid, (i) => i[0]?.floating_ips.length === 1);
  const addresses = addressesOf(floating);
  assert.deepEqual(
    addresses.private.map((a) => a['OS-EXT-IPS:type']),
    ['fixed', 'floating'],
  );
  assert.equal(addresses.private[1].addr, fip.body.floatingip.floating_ip_address);

  // Disassociated: the address leaves the server's info.
  const off = await cloud.call('PUT', `/networking/v2.0/floatingips/${fip.body.floatingip.id}`, {
    token,
    body: { floatingip: { port_id: null } },
  });
  assert.equal(off.status, 200);
  await waitForInfo(base.db, uuid, (i) => i[0]?.floating_ips.length === 0);

  const del = await cloud.call('DELETE', `/networking/v2.0/ports/${portId}`, { token });
  assert.equal(del.status, 204);
  await waitForInfo(base.db, uuid, (i) => i.length === 0);
});
