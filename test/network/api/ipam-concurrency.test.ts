import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';

describe('IPAM under concurrency', () => {
  let cloud: TestCloud;
  let alice: Member;
  const net = (method: string, path: string, body?: unknown) =>
    cloud.call(method, `/networking/v2.0${path}`, { token: alice.token, body });

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'ipam-alice');
  });
  after(() => cloud.close());

  it('never hands out an address twice and stops at exhaustion with IpAddressGenerationFailure', async () => {
    const n = (await net('POST', '/networks', { network: { name: 'busy' } })).body.network;
    // 150 addresses for 200 requests.
    const subnet = await net('POST', '/subnets', {
      subnet: {
        network_id: n.id,
        ip_version: 4,
        cidr: '10.60.0.0/24',
        allocation_pools: [{ start: '10.60.0.10', end: '10.60.0.159' }],
      },
    });
    assert.equal(subnet.status, 201, JSON.stringify(subnet.body));
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => net('POST', '/ports', { port: { network_id: n.id, name: `c${i}` } })),
    );
    const created = results.filter((r) => r.status === 201);
    const failed = results.filter((r) => r.status !== 201);
    assert.equal(created.length, 150, JSON.stringify(failed[0]?.body));
    for (const f of failed) {
      assert.equal(f.status, 409, JSON.stringify(f.body));
      assert.equal(f.body.NeutronError.type, 'IpAddressGenerationFailure');
    }
    const ips = created.map((r) => r.body.port.fixed_ips[0].ip_address as string);
    assert.equal(new Set(ips).size, 150, 'every address is handed out once');
    const macs = created.map((r) => r.body.port.mac_address as string);
    assert.equal(new Set(macs).size, 150);

    // Deleting ports frees their addresses for the next ones.
    const freed = created.slice(0, 5);
    await Promise.all(freed.map((r) => net('DELETE', `/ports/${r.body.port.id}`)));
    const again = await Promise.all(
      Array.from({ length: 6 }, () => net('POST', '/ports', { port: { network_id: n.id } })),
    );
    assert.equal(again.filter((r) => r.status === 201).length, 5);
    const reused = again
      .filter((r) => r.status === 201)
      .map((r) => r.body.port.fixed_ips[0].ip_address)
      .sort();
    assert.deepEqual(reused, freed.map((r) => r.body.port.fixed_ips[0].ip_address).sort());
  });
});
