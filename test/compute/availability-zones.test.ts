import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { createMember, type Member } from '../identity/member-fixture.ts';
import { novaCaller, waitForComputeHost } from './compute-fixture.ts';

const HOST = 'az-test-host';

describe('os-availability-zone', () => {
  let cloud: TestCloud;
  let alice: Member;
  const nova = novaCaller(() => cloud);

  before(async () => {
    cloud = await startCloud(undefined, {
      network: { host: HOST },
      compute: { defaultAvailabilityZone: 'zone-default' },
    });
    alice = await createMember(cloud, 'az-alice');
    await waitForComputeHost(cloud, HOST);
  });
  after(() => cloud.close());

  it('lists the default zone of hosts in no zoned aggregate; the internal zone only in detail', async () => {
    const list = await nova(alice.token, 'GET', '/os-availability-zone');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body, {
      availabilityZoneInfo: [{ zoneName: 'zone-default', zoneState: { available: true }, hosts: null }],
    });
    const detail = await nova(cloud.adminToken, 'GET', '/os-availability-zone/detail');
    const names = detail.body.availabilityZoneInfo.map((z: { zoneName: string }) => z.zoneName).sort();
    assert.deepEqual(names, ['internal', 'zone-default']);
    const zone = detail.body.availabilityZoneInfo.find((z: { zoneName: string }) => z.zoneName === 'zone-default');
    const compute = zone.hosts[HOST]['nova-compute'];
    assert.equal(compute.available, true);
    assert.equal(compute.active, true);
    assert.match(compute.updated_at, /^\d{4}-\d\d-\d\dT/);
    assert.equal((await nova(alice.token, 'GET', '/os-availability-zone/detail')).status, 403);
  });

  it('a disabled compute service makes its zone unavailable', async () => {
    const admin = cloud.adminToken;
    await nova(admin, 'PUT', '/os-services/disable', { host: HOST, binary: 'nova-compute' });
    const list = await nova(alice.token, 'GET', '/os-availability-zone');
    assert.deepEqual(list.body.availabilityZoneInfo[0].zoneState, { available: false });
    const detail = await nova(admin, 'GET', '/os-availability-zone/detail');
    const zone = detail.body.availabilityZoneInfo.find((z: { zoneName: string }) => z.zoneName === 'zone-default');
    assert.equal(zone.hosts[HOST]['nova-compute'].active, false);
    await nova(admin, 'PUT', '/os-services/enable', { host: HOST, binary: 'nova-compute' });
  });
});
