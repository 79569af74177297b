import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { createMember, type Member } from '../identity/member-fixture.ts';
import { novaCall, waitForComputeHost } from './bad-input-cases.ts';

/** Two projects (alice's with a network, bob's to probe alice's servers from), an image, the seeded flavors. */
export interface BadInputCloud {
  cloud: TestCloud;
  alice: Member;
  bob: Member;
  networkId: string;
  subnetId: string;
  imageId: string;
  /** A private flavor alice's project has no access to. */
  privateFlavor: string;
}

export async function badInputCloud(t: TestContext): Promise<BadInputCloud> {
  const cloud = await startCloud(t, { compute: { fakeDelayMs: 0 } });
  const alice = await createMember(cloud, 'bad-compute-alice');
  const bob = await createMember(cloud, 'bad-compute-bob');
  const net = await cloud.call('POST', '/networking/v2.0/networks', {
    token: alice.token,
    body: { network: { name: 'bad-net' } },
  });
  assert.equal(net.status, 201, JSON.stringify(net.body));
  const subnet = await cloud.call('POST', '/networking/v2.0/subnets', {
    token: alice.token,
    body: { subnet: { network_id: net.body.network.id, ip_version: 4, cidr: '10.30.0.0/24' } },
  });
  assert.equal(subnet.status, 201, JSON.stringify(subnet.body));
  const image = await cloud.call('POST', '/image/v2/images', {
    token: cloud.adminToken,
    body: { name: 'bad-input-image', disk_format: 'raw', container_format: 'bare', visibility: 'public' },
  });
  assert.equal(image.status, 201, JSON.stringify(image.body));
  const upload = await cloud.call('PUT', `/image/v2/images/${image.body.id}/file`, {
    token: cloud.adminToken,
    raw: 'x'.repeat(1024),
    headers: { 'content-type': 'application/octet-stream' },
  });
  assert.equal(upload.status, 204, JSON.stringify(upload.body));
  const flavor = await novaCall(cloud, 'POST', '/flavors', {
    token: cloud.adminToken,
    body: {
      flavor: {
        name: 'bad.private',
        ram: 64,
        vcpus: 1,
        disk: 1,
        id: 'bad-private',
        'os-flavor-access:is_public': false,
      },
    },
  });
  assert.equal(flavor.status, 200, JSON.stringify(flavor.body));
  await waitForComputeHost(cloud);
  return {
    cloud,
    alice,
    bob,
    networkId: net.body.network.id,
    subnetId: subnet.body.subnet.id,
    imageId: image.body.id,
    privateFlavor: 'bad-private',
  };
}
