import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverFixture } from './servers-fixture.ts';

test('a server boots to ACTIVE with addresses, is listed, updated and deleted', async (t) => {
  const f = await serverFixture(t);
  const create = await f.compute('POST', '/servers', {
    body: {
      server: {
        name: 'web',
        imageRef: f.imageId,
        flavorRef: '42',
        networks: [{ uuid: f.networkId }],
        metadata: { a: 'b' },
      },
    },
  });
  assert.equal(create.status, 202, JSON.stringify(create.body));
  const s = create.body.server;
  assert.deepEqual(Object.keys(s).sort(), ['OS-DCF:diskConfig', 'adminPass', 'id', 'links', 'security_groups']);
  assert.deepEqual(s.security_groups, [{ name: 'default' }]);
  const server = await f.waitFor(s.id, 'ACTIVE');
  assert.equal(server.name, 'web');
  assert.deepEqual(server.metadata, { a: 'b' });
  assert.ok(server.addresses.private?.length === 1, JSON.stringify(server.addresses));
  assert.equal(server.addresses.private[0]['OS-EXT-IPS:type'], 'fixed');
  assert.equal(server['OS-EXT-STS:power_state'], 1);
  assert.ok(server.hostId.length === 56);
  assert.equal(server['OS-EXT-AZ:availability_zone'], 'nova');

  const list = await f.compute('GET', '/servers');
  assert.equal(list.status, 200);
  assert.deepEqual(Object.keys(list.body.servers[0]).sort(), ['id', 'links', 'name']);
  const byIp = await f.compute('GET', `/servers/detail?ip=${server.addresses.private[0].addr.replaceAll('.', '\\.')}`);
  assert.equal(byIp.body.servers.length, 1);
  const ips = await f.compute('GET', `/servers/${s.id}/ips`);
  assert.deepEqual(Object.keys(ips.body.addresses.private[0]).sort(), ['addr', 'version']);
  assert.equal((await f.compute('GET', `/servers/${s.id}/ips/nope`)).status, 404);

  const put = await f.compute('PUT', `/servers/${s.id}`, { body: { server: { name: 'web2' } } });
  assert.equal(put.status, 200);
  assert.equal(put.body.server.name, 'web2');
  assert.equal(put.body.server['OS-EXT-STS:vm_state'], undefined);

  const pw = await f.compute('GET', `/servers/${s.id}/os-server-password`);
  assert.deepEqual(pw.body, { password: '' });
  assert.equal((await f.compute('DELETE', `/servers/${s.id}/os-server-password`)).status, 204);

  const del = await f.compute('DELETE', `/servers/${s.id}`);
  assert.equal(del.status, 204);
  await f.waitFor(s.id, 'DELETED');
});

test('addFixedIp / removeFixedIp (before 2.44) change the addresses of the server', async (t) => {
  const f = await serverFixture(t);
  const uuid = await f.boot();
  const before = await f.waitFor(uuid, 'ACTIVE');
  assert.equal(before.addresses.private.length, 1);
  const add = await f.compute('POST', `/servers/${uuid}/action`, { body: { addFixedIp: { networkId: f.networkId } } });
  assert.equal(add.status, 202, JSON.stringify(add.body));
  const more = (await f.compute('GET', `/servers/${uuid}/ips`)).body.addresses.private;
  assert.equal(more.length, 2);
  const added = more.find((a: { addr: string }) => a.addr !== before.addresses.private[0].addr).addr;
  const remove = await f.compute('POST', `/servers/${uuid}/action`, { body: { removeFixedIp: { address: added } } });
  assert.equal(remove.status, 202, JSON.stringify(remove.body));
  assert.equal((await f.compute('GET', `/servers/${uuid}/ips`)).body.addresses.private.length, 1);
  const gone = await f.compute('POST', `/servers/${uuid}/action`, {
    mv: '2.44',
    body: { addFixedIp: { networkId: f.networkId } },
  });
  assert.equal(gone.status, 404);
});
