import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SERVER_TOPIC, ServerMethod, type StateReport, type SyncAnswer } from '../../src/compute/agent/rpc.ts';
import { createMemoryBus } from '../../src/core/bus/memory-bus.ts';
import { startCloud } from '../helpers/cloud.ts';
import { eventually, hostsReported, nova, publicImage, settled } from './conductor-fixture.ts';

const placement = (version = '1.39') => ({ 'openstack-api-version': `placement ${version}` });

function report(host: string, memoryMb = 4096): StateReport {
  return {
    host,
    node: host,
    driver: 'fake',
    traits: ['COMPUTE_NODE', 'CUSTOM_GHOST'],
    resources: {
      vcpus: 8,
      memory_mb: memoryMb,
      local_gb: 100,
      vcpus_used: 0,
      memory_mb_used: 0,
      local_gb_used: 0,
      hypervisor_type: 'fake',
      hypervisor_version: 1,
      hypervisor_hostname: host,
      host_ip: '127.0.0.1',
      cpu_info: { arch: 'x86_64' },
      disk_available_least: null,
    },
  };
}

test('the server side of the agent RPC', async (t) => {
  const bus = createMemoryBus();
  const cloud = await startCloud(t, { compute: { hosts: ['h1'], fakeDelayMs: 10 } }, { bus });
  await hostsReported(cloud, ['h1']);
  const server = (method: string, payload: unknown) => bus.call<any>({ topic: SERVER_TOPIC }, method, payload);

  await t.test('report_state: a resource provider with the inventory, ratios and traits', async () => {
    assert.deepEqual(await server(ServerMethod.reportState, report('ghost')), { ok: true });
    const provider = await eventually('the ghost provider', async () => {
      const res = await cloud.call('GET', '/placement/resource_providers?name=ghost', {
        token: cloud.adminToken,
        headers: placement(),
      });
      return res.body?.resource_providers?.[0];
    });
    const inv = await eventually('the inventory', async () => {
      const res = await cloud.call('GET', `/placement/resource_providers/${provider.uuid}/inventories`, {
        token: cloud.adminToken,
        headers: placement(),
      });
      return res.body?.inventories?.VCPU ? res : undefined;
    });
    assert.equal(inv.body.inventories.VCPU.total, 8);
    assert.equal(inv.body.inventories.VCPU.allocation_ratio, 4);
    assert.equal(inv.body.inventories.MEMORY_MB.reserved, 512);
    assert.equal(inv.body.inventories.DISK_GB.total, 100);
    // Placement hears of the host after the heartbeat returns (a slow Placement never delays heartbeats).
    const traits = await eventually('the traits', async () => {
      const res = await cloud.call('GET', `/placement/resource_providers/${provider.uuid}/traits`, {
        token: cloud.adminToken,
        headers: placement(),
      });
      return res.body?.traits?.length ? res.body.traits : undefined;
    });
    assert.deepEqual(traits.sort(), ['COMPUTE_NODE', 'CUSTOM_GHOST']);

    // Same node, same provider; a changed inventory is reported again.
    await server(ServerMethod.reportState, report('ghost', 8192));
    await eventually('the new memory total', async () => {
      const res = await cloud.call('GET', `/placement/resource_providers/${provider.uuid}/inventories`, {
        token: cloud.adminToken,
        headers: placement(),
      });
      return res.body?.inventories?.MEMORY_MB?.total === 8192 ? true : undefined;
    });
    const again = await cloud.call('GET', '/placement/resource_providers?name=ghost', {
      token: cloud.adminToken,
      headers: placement(),
    });
    assert.equal(again.body.resource_providers.length, 1);
    assert.equal(again.body.resource_providers[0].uuid, provider.uuid);
  });

  const imageRef = await publicImage(cloud);
  const created = await nova(cloud, 'POST', '/servers', {
    server: { name: 'rpc', imageRef, flavorRef: '42', networks: 'none' },
  });
  assert.equal(created.status, 202, JSON.stringify(created.body));
  const [booted] = await settled(cloud, 'rpc', 1);
  assert.equal(booted.status, 'ACTIVE', JSON.stringify(booted.fault));
  const uuid = booted.id;

  await t.test('instance_update is a compare-and-set on task_state', async () => {
    const refused = await server(ServerMethod.instanceUpdate, {
      uuid,
      host: 'h1',
      expected_task_state: ['rebooting'],
      vm_state: 'error',
    });
    assert.deepEqual(refused, { ok: false });
    const foreign = await server(ServerMethod.instanceUpdate, { uuid, host: 'ghost', power_state: 4 });
    assert.deepEqual(foreign, { ok: false }, 'a host that does not hold the instance is refused');
    const applied = await server(ServerMethod.instanceUpdate, {
      uuid,
      host: 'h1',
      expected_task_state: [null],
      power_state: 4,
    });
    assert.deepEqual(applied, { ok: true });
    const shown = await nova(cloud, 'GET', `/servers/${uuid}`);
    assert.equal(shown.body.server['OS-EXT-STS:power_state'], 4);
    const unknown = await server(ServerMethod.instanceUpdate, { uuid: crypto.randomUUID(), host: 'h1' });
    assert.deepEqual(unknown, { ok: false });
  });

  await t.test('sync_instances answers what the database places on the host, with specs', async () => {
    const answer = (await server(ServerMethod.syncInstances, { host: 'h1' })) as SyncAnswer;
    const mine = answer.instances.find((i) => i.uuid === uuid);
    assert.ok(mine);
    assert.equal(mine.vm_state, 'active');
    assert.equal(mine.spec.flavor.memory_mb, 128);
    assert.equal(mine.spec.image.id, imageRef);
    const none = (await server(ServerMethod.syncInstances, { host: 'ghost' })) as SyncAnswer;
    assert.deepEqual(none.instances, []);
  });

  await t.test('build_failed without reschedule puts a building server in ERROR with the reason', async () => {
    const res = await nova(cloud, 'POST', '/servers', {
      server: { name: 'bf', imageRef, flavorRef: '42', networks: 'none' },
    });
    const id = res.body.server.id;
    // The build is a cast away; report the failure as the agent would once the server is on h1.
    await eventually('bf on h1', async () => {
      const s = await nova(cloud, 'GET', `/servers/${id}`);
      return s.body.server['OS-EXT-STS:task_state'] === 'spawning' || s.body.server.status === 'ACTIVE'
        ? true
        : undefined;
    });
    await server(ServerMethod.buildFailed, { uuid: id, host: 'h1', reason: 'Image is broken', reschedule: false });
    const shown = await nova(cloud, 'GET', `/servers/${id}`);
    // Either the failure landed while it was building (ERROR) or the build had already finished (ACTIVE).
    if (shown.body.server.status === 'ERROR') assert.equal(shown.body.server.fault.message, 'Image is broken');
    else assert.equal(shown.body.server.status, 'ACTIVE');
  });

  await t.test('instance notifications carry the lifecycle', async () => {
    const seen: string[] = [];
    const sub = bus.listenNotifications('compute.instance.', (n) => {
      seen.push(n.event_type);
    });
    const res = await nova(cloud, 'POST', '/servers', {
      server: { name: 'notified', imageRef, flavorRef: '42', networks: 'none' },
    });
    await settled(cloud, 'notified', 1);
    await nova(cloud, 'DELETE', `/servers/${res.body.server.id}`);
    await eventually('delete.end', async () => (seen.includes('compute.instance.delete.end') ? true : undefined));
    sub.unsubscribe();
    for (const e of ['compute.instance.create.start', 'compute.instance.create.end', 'compute.instance.delete.start'])
      assert.ok(seen.includes(e), `${e} in ${seen.join(', ')}`);
  });
});
