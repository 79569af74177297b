import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { serverFixture } from './servers-fixture.ts';

const C = '/compute/v2.1';

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 10000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('os-interface: list, attach by network / port / fixed IP, show, detach; addresses follow', async (t) => {
  const f = await serverFixture(t);
  const { cloud, token } = f;
  const net = { networkId: f.networkId };
  const id = await f.boot();
  const server = await f.waitFor(id, 'ACTIVE');
  assert.equal(server.addresses.private.length, 1, JSON.stringify(server.addresses));

  const listed = await cloud.call('GET', `${C}/servers/${id}/os-interface`, { token });
  assert.equal(listed.status, 200);
  assert.equal(listed.body.interfaceAttachments.length, 1);
  const first = listed.body.interfaceAttachments[0];
  assert.deepEqual(Object.keys(first).sort(), ['fixed_ips', 'mac_addr', 'net_id', 'port_id', 'port_state']);
  assert.equal(first.net_id, net.networkId);

  const waitActive = (portId: string) =>
    until(`port ${portId} ACTIVE`, async () => {
      const r = await cloud.call('GET', `${C}/servers/${id}/os-interface/${portId}`, { token });
      return r.body.interfaceAttachment?.port_state === 'ACTIVE' ? r.body.interfaceAttachment : undefined;
    });
  await waitActive(first.port_id);

  const byNet = await cloud.call('POST', `${C}/servers/${id}/os-interface`, {
    token,
    body: { interfaceAttachment: { net_id: net.networkId } },
  });
  assert.equal(byNet.status, 200, JSON.stringify(byNet.body));
  await waitActive(byNet.body.interfaceAttachment.port_id);

  const userPort = await cloud.call('POST', '/networking/v2.0/ports', {
    token,
    body: { port: { network_id: net.networkId, name: 'mine' } },
  });
  const byPort = await cloud.call('POST', `${C}/servers/${id}/os-interface`, {
    token,
    body: { interfaceAttachment: { port_id: userPort.body.port.id } },
  });
  assert.equal(byPort.status, 200, JSON.stringify(byPort.body));
  assert.equal(byPort.body.interfaceAttachment.port_id, userPort.body.port.id);

  const byIp = await cloud.call('POST', `${C}/servers/${id}/os-interface`, {
    token,
    body: { interfaceAttachment: { net_id: net.networkId, fixed_ips: [{ ip_address: '10.9.0.200' }] } },
  });
  assert.equal(byIp.status, 200, JSON.stringify(byIp.body));
  assert.equal(byIp.body.interfaceAttachment.fixed_ips[0].ip_address, '10.9.0.200');

  const all = await cloud.call('GET', `${C}/servers/${id}/os-interface`, { token });
  assert.equal(all.body.interfaceAttachments.length, 4);
  const shownServer = await cloud.call('GET', `${C}/servers/${id}`, { token });
  assert.equal(shownServer.body.server.addresses.private.length, 4);

  // errors
  const both = await cloud.call('POST', `${C}/servers/${id}/os-interface`, {
    token,
    body: { interfaceAttachment: { net_id: net.networkId, port_id: userPort.body.port.id } },
  });
  assert.equal(both.status, 400);
  const unknownNet = await cloud.call('POST', `${C}/servers/${id}/os-interface`, {
    token,
    body: { interfaceAttachment: { net_id: randomUUID() } },
  });
  assert.equal(unknownNet.status, 404);
  const inUse = await cloud.call('POST', `${C}/servers/${id}/os-interface`, {
    token,
    body: { interfaceAttachment: { port_id: userPort.body.port.id } },
  });
  assert.equal(inUse.status, 409);
  assert.equal((await cloud.call('GET', `${C}/servers/${id}/os-interface/${randomUUID()}`, { token })).status, 404);

  // detach: the user's port is unbound and kept, ours is deleted
  const detachUser = await cloud.call('DELETE', `${C}/servers/${id}/os-interface/${userPort.body.port.id}`, { token });
  assert.equal(detachUser.status, 202, JSON.stringify(detachUser.body));
  const kept = await cloud.call('GET', `/networking/v2.0/ports/${userPort.body.port.id}`, { token });
  assert.equal(kept.body.port.device_id, '');
  const ours = byNet.body.interfaceAttachment.port_id;
  const detachOurs = await cloud.call('DELETE', `${C}/servers/${id}/os-interface/${ours}`, { token });
  assert.equal(detachOurs.status, 202, JSON.stringify(detachOurs.body));
  assert.equal((await cloud.call('GET', `/networking/v2.0/ports/${ours}`, { token })).status, 404);
  const left = await cloud.call('GET', `${C}/servers/${id}/os-interface`, { token });
  assert.equal(left.body.interfaceAttachments.length, 2);
  await until('addresses refreshed', async () => {
    const s = await cloud.call('GET', `${C}/servers/${id}`, { token });
    return s.body.server.addresses.private.length === 2 ? true : undefined;
  });

  // the detach is an instance action whose event the agent finishes (what Tempest's detach waiter reads)
  const actions = await cloud.call('GET', `${C}/servers/${id}/os-instance-actions`, { token });
  if (actions.status === 200)
    assert.ok(actions.body.instanceActions.some((a: { action: string }) => a.action === 'detach_interface'));

  // 2.70 shows tags
  const tagged = await cloud.call('POST', `${C}/servers/${id}/os-interface`, {
    token,
    headers: { 'openstack-api-version': 'compute 2.70' },
    body: { interfaceAttachment: { net_id: net.networkId, tag: 'nic-b' } },
  });
  assert.equal(tagged.status, 200, JSON.stringify(tagged.body));
  assert.equal(tagged.body.interfaceAttachment.tag, 'nic-b');

  // deleting the server deletes the ports Compute made
  assert.equal((await cloud.call('DELETE', `${C}/servers/${id}`, { token })).status, 204);
  await until('ports released', async () => {
    const p = await cloud.call('GET', `/networking/v2.0/ports?device_id=${id}`, { token });
    return p.body.ports.length === 0 ? true : undefined;
  });
});
