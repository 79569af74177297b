import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { makeNetwork } from './clients-harness.ts';
import { serverFixture } from './servers-fixture.ts';

interface Answer {
  status: number;
  type: string | undefined;
  body: string;
}

/** One request to the metadata socket, as the dataplane's proxy sends it. */
function ask(socketPath: string, path: string, headers: Record<string, string>, method = 'GET', body?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request({ socketPath, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: res.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the compute metadata service', () => {
  test('answers each instance with its own data, strangers with 404', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-md-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const socketPath = join(dir, 'sock', 'metadata.sock');
    const fx = await serverFixture(t, { compute: { metadataSocket: socketPath } });
    assert.equal((await stat(socketPath)).mode & 0o777, 0o600);

    const key = await fx.compute('POST', '/os-keypairs', { body: { keypair: { name: 'k1' } } });
    assert.equal(key.status, 200, JSON.stringify(key.body));
    const userData = Buffer.from('#!/bin/sh\necho first\n').toString('base64');
    const first = await fx.boot({ name: 'first', key_name: 'k1', user_data: userData, metadata: { role: 'a' } });
    const second = await fx.boot({ name: 'second' });
    await fx.waitFor(first, 'ACTIVE');
    await fx.waitFor(second, 'ACTIVE');

    const portOf = async (uuid: string) => {
      const res = await fx.cloud.call('GET', `/networking/v2.0/ports?device_id=${uuid}`, { token: fx.token });
      assert.equal(res.status, 200);
      const [port] = res.body.ports;
      return {
        ip: port.fixed_ips[0].ip_address as string,
        network: port.network_id as string,
        port: port.id as string,
      };
    };
    const a = await portOf(first);
    const b = await portOf(second);
    const as = (p: { ip: string; network: string }) => ({ 'x-forwarded-for': p.ip, 'x-strata-network-id': p.network });

    await t.test('each instance reads its own meta_data.json and EC2 keys', async () => {
      const mdA = await ask(socketPath, '/openstack/latest/meta_data.json', as(a));
      assert.equal(mdA.status, 200, mdA.body);
      assert.equal(mdA.type, 'application/json');
      const metaA = JSON.parse(mdA.body);
      assert.equal(metaA.uuid, first);
      assert.equal(metaA.name, 'first');
      assert.equal(metaA.hostname, 'first.novalocal');
      assert.deepEqual(metaA.meta, { role: 'a' });
      assert.deepEqual(Object.keys(metaA.public_keys), ['k1']);
      assert.equal(metaA.availability_zone, 'nova');
      assert.equal('admin_pass' in metaA, false);

      const metaB = JSON.parse((await ask(socketPath, '/openstack/latest/meta_data.json', as(b))).body);
      assert.equal(metaB.uuid, second);
      assert.equal(metaB.name, 'second');
      assert.equal('public_keys' in metaB, false);
      assert.equal(metaB.project_id, metaA.project_id);

      assert.equal((await ask(socketPath, '/openstack/latest/user_data', as(a))).body, '#!/bin/sh\necho first\n');
      assert.equal((await ask(socketPath, '/openstack/latest/user_data', as(b))).status, 404);
      assert.equal((await ask(socketPath, '/latest/meta-data/local-ipv4', as(a))).body, a.ip);
      assert.equal((await ask(socketPath, '/latest/meta-data/local-ipv4', as(b))).body, b.ip);
      assert.equal((await ask(socketPath, '/latest/meta-data/public-keys/', as(a))).body, '0=k1');
      const openssh = await ask(socketPath, '/latest/meta-data/public-keys/0/openssh-key', as(a));
      assert.equal(openssh.body, key.body.keypair.public_key);
      assert.equal((await ask(socketPath, '/latest/meta-data/public-keys/', as(b))).status, 404);
      assert.equal(
        (await ask(socketPath, '/latest/meta-data/instance-id', as(a))).body,
        `i-${first.replaceAll('-', '').slice(0, 8)}`,
      );
      assert.equal((await ask(socketPath, '/latest/meta-data/security-groups', as(a))).body, 'default');
    });

    await t.test('listings and network_data.json', async () => {
      assert.match((await ask(socketPath, '/', as(a))).body, /^1\.0\n.*\nlatest$/s);
      assert.match((await ask(socketPath, '/openstack', as(a))).body, /^2012-08-10\n.*\n2020-10-14\nlatest$/s);
      assert.equal((await ask(socketPath, '/latest/', as(a))).body, 'meta-data/\nuser-data');
      const nd = JSON.parse((await ask(socketPath, '/openstack/latest/network_data.json', as(a))).body);
      assert.equal(nd.links.length, 1);
      assert.equal(nd.networks[0].network_id, a.network);
      assert.equal(nd.networks[0].type, 'ipv4_dhcp');
      const head = await ask(socketPath, '/openstack/latest/meta_data.json', as(a), 'HEAD');
      assert.equal(head.status, 200);
      assert.equal(head.body, '');
    });

    await t.test('a stranger, the wrong network and a request without the proxy headers are refused', async () => {
      const cases: [string, Record<string, string>, number][] = [
        ['unknown address', { 'x-forwarded-for': '10.9.0.250', 'x-strata-network-id': a.network }, 404],
        ['right address, other network', { 'x-forwarded-for': a.ip, 'x-strata-network-id': crypto.randomUUID() }, 404],
        ['not an address', { 'x-forwarded-for': 'first', 'x-strata-network-id': a.network }, 404],
        ['two addresses', { 'x-forwarded-for': `${b.ip}, ${a.ip}`, 'x-strata-network-id': a.network }, 400],
        ['no network header', { 'x-forwarded-for': a.ip }, 400],
        ['no headers', {}, 400],
      ];
      for (const [name, headers, status] of cases) {
        const res = await ask(socketPath, '/openstack/latest/meta_data.json', headers);
        assert.equal(res.status, status, name);
        assert.equal(res.body.includes(first), false, name);
        assert.equal(res.body.includes(second), false, name);
      }
    });

    await t.test('the guest posts its password once; os-server-password shows it for that server only', async () => {
      const posted = await ask(socketPath, '/openstack/latest/password', as(a), 'POST', 'ENCRYPTED-PW');
      assert.equal(posted.status, 200);
      const again = await ask(socketPath, '/openstack/2013-04-04/password', as(a), 'POST', 'OTHER');
      assert.equal(again.status, 409);
      const tooLong = await ask(socketPath, '/openstack/latest/password', as(b), 'POST', 'x'.repeat(300));
      assert.equal(tooLong.status, 400);
      const old = await ask(socketPath, '/openstack/2012-08-10/password', as(b), 'POST', 'x');
      assert.equal(old.status, 405);
      assert.equal((await ask(socketPath, '/openstack/latest/password', as(a))).body, 'ENCRYPTED-PW');
      assert.equal((await ask(socketPath, '/openstack/latest/password', as(b))).body, '');
      const shown = await fx.compute('GET', `/servers/${first}/os-server-password`);
      assert.deepEqual(shown.body, { password: 'ENCRYPTED-PW' });
      const other = await fx.compute('GET', `/servers/${second}/os-server-password`);
      assert.deepEqual(other.body, { password: '' });
    });

    await t.test('public-ipv4 is the floating IP once one points at the port', async () => {
      assert.equal((await ask(socketPath, '/latest/meta-data/public-ipv4', as(a))).body, '');
      const ext = await makeNetwork(fx.cloud, 'public', '172.24.9.0/24', { 'router:external': true });
      const router = await fx.cloud.call('POST', '/networking/v2.0/routers', {
        token: fx.token,
        body: { router: { name: 'r', external_gateway_info: { network_id: ext.networkId } } },
      });
      assert.equal(router.status, 201, JSON.stringify(router.body));
      const subnets = await fx.cloud.call('GET', `/networking/v2.0/subnets?network_id=${a.network}`, {
        token: fx.token,
      });
      const added = await fx.cloud.call(
        'PUT',
        `/networking/v2.0/routers/${router.body.router.id}/add_router_interface`,
        {
          token: fx.token,
          body: { subnet_id: subnets.body.subnets[0].id },
        },
      );
      assert.equal(added.status, 200, JSON.stringify(added.body));
      const fip = await fx.cloud.call('POST', '/networking/v2.0/floatingips', {
        token: fx.token,
        body: { floatingip: { floating_network_id: ext.networkId, port_id: a.port } },
      });
      assert.equal(fip.status, 201, JSON.stringify(fip.body));
      const address = fip.body.floatingip.floating_ip_address;
      for (let i = 0; ; i++) {
        const shown = await ask(socketPath, '/latest/meta-data/public-ipv4', as(a));
        if (shown.body === address) break;
        assert.ok(i < 100, `public-ipv4 shows ${address}, not ${shown.body}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal((await ask(socketPath, '/latest/meta-data/public-ipv4', as(b))).body, '');
    });

    await t.test('an address moved to another server within the cache time shows the new owner', async () => {
      const moved = { ...a };
      const c = await fx.boot({ name: 'third' });
      await fx.waitFor(c, 'ACTIVE');
      assert.equal(JSON.parse((await ask(socketPath, '/openstack/latest/meta_data.json', as(moved))).body).uuid, first);
      // Detach the first server's interface and give its address to the third server, at once.
      const detached = await fx.compute('DELETE', `/servers/${first}/os-interface/${a.port}`);
      assert.equal(detached.status, 202, JSON.stringify(detached.body));
      for (let i = 0; ; i++) {
        const ports = await fx.cloud.call('GET', `/networking/v2.0/ports?device_id=${first}`, { token: fx.token });
        if (ports.body.ports.length === 0) break;
        assert.ok(i < 200, 'the interface is detached');
        await new Promise((r) => setTimeout(r, 25));
      }
      const attached = await fx.compute('POST', `/servers/${c}/os-interface`, {
        body: { interfaceAttachment: { net_id: moved.network, fixed_ips: [{ ip_address: moved.ip }] } },
      });
      assert.equal(attached.status, 200, JSON.stringify(attached.body));
      for (let i = 0; ; i++) {
        const row = await fx.compute('GET', `/servers/${first}`);
        if (Object.keys(row.body.server.addresses).length === 0) break;
        assert.ok(i < 200, "the first server's addresses are refreshed");
        await new Promise((r) => setTimeout(r, 25));
      }
      const now = await ask(socketPath, '/openstack/latest/meta_data.json', as(moved));
      assert.equal(now.status, 200, now.body);
      assert.equal(JSON.parse(now.body).uuid, c);
    });

    await t.test('a deleted server is not answered, even while its address is cached', async () => {
      assert.equal((await ask(socketPath, '/openstack/latest/meta_data.json', as(b))).status, 200);
      assert.equal((await fx.compute('DELETE', `/servers/${second}`)).status, 204);
      await fx.waitFor(second, 'DELETED');
      assert.equal((await ask(socketPath, '/openstack/latest/meta_data.json', as(b))).status, 404);
    });
  });
});
