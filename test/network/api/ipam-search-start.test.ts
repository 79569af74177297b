import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';

/**
 * IPAM starts its search for a free address where it last found one (so a create does not read every
 * allocation of a big subnet); these pin down that the start is only a hint: releases are reused, and a hole
 * it skipped is still handed out before the subnet is called full.
 */
describe('IPAM search start', () => {
  let cloud: TestCloud;
  let alice: Member;
  const net = (method: string, path: string, body?: unknown) =>
    cloud.call(method, `/networking/v2.0${path}`, { token: alice.token, body });
  const subnetOf = async (name: string, cidr: string) => {
    const n = (await net('POST', '/networks', { network: { name } })).body.network;
    const s = await net('POST', '/subnets', { subnet: { network_id: n.id, ip_version: 4, cidr } });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    return n.id as string;
  };
  const port = async (networkId: string) => {
    const r = await net('POST', '/ports', { port: { network_id: networkId } });
    return { status: r.status, body: r.body, id: r.body.port?.id as string, ip: r.body.port?.fixed_ips[0]?.ip_address };
  };

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'ipam-start-alice');
  });
  after(() => cloud.close());

  it('hands out the lowest free address, and a released one next', async () => {
    const networkId = await subnetOf('lowest', '10.70.0.0/24');
    const first = [await port(networkId), await port(networkId), await port(networkId)];
    assert.deepEqual(
      first.map((p) => p.ip),
      ['10.70.0.2', '10.70.0.3', '10.70.0.4'],
    );
    assert.equal((await net('DELETE', `/ports/${first[0].id}`)).status, 204);
    assert.equal((await port(networkId)).ip, '10.70.0.2');
    assert.equal((await port(networkId)).ip, '10.70.0.5');
  });

  it('finds a hole below the search start before answering IpAddressGenerationFailure', async () => {
    // A /28: 13 addresses, .2 to .14.
    const networkId = await subnetOf('holes', '10.71.0.0/28');
    const first = [await port(networkId), await port(networkId), await port(networkId)];
    assert.equal(first[0].ip, '10.71.0.2');
    // Moving the first port elsewhere frees .2 through the update path, which does not move the search start.
    const moved = await net('PUT', `/ports/${first[0].id}`, { port: { fixed_ips: [{ ip_address: '10.71.0.10' }] } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const rest: string[] = [];
    for (let i = 0; i < 11; i++) {
      const p = await port(networkId);
      if (i < 10) assert.equal(p.status, 201, JSON.stringify(p.body));
      else {
        assert.equal(p.status, 409);
        assert.equal(p.body.NeutronError.type, 'IpAddressGenerationFailure');
      }
      if (p.ip) rest.push(p.ip);
    }
    assert.ok(rest.includes('10.71.0.2'), 'the freed address is handed out again');
    assert.equal(new Set([...rest, '10.71.0.3', '10.71.0.4', '10.71.0.10']).size, 13);
  });
});
