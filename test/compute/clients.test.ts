import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { ApiError } from '../../src/core/errors.ts';
import { cloudWithClients, makeNetwork } from './clients-harness.ts';

const rejectsWith = async (p: Promise<unknown>, status: number, message: string) => {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.status, status);
    assert.equal(err.message, message);
    return true;
  });
};

test('network client: requested networks, ports, fixed IPs and security groups are checked as the caller', async (t) => {
  const { cloud, network, adminProjectId } = await cloudWithClients(t);
  const caller = { token: cloud.adminToken, projectId: adminProjectId };
  const { networkId } = await makeNetwork(cloud, 'net1', '10.1.0.0/24');

  const ok = await network.validateRequested(caller, [{ network_id: networkId }], ['default']);
  assert.deepEqual(ok.requested, [{ network_id: networkId }]);
  assert.equal(ok.securityGroupIds.length, 1);

  const missing = randomUUID();
  await rejectsWith(
    network.validateRequested(caller, [{ network_id: missing }], []),
    400,
    `Network ${missing} could not be found.`,
  );
  await rejectsWith(
    network.validateRequested(caller, [{ port_id: missing }], []),
    400,
    `Port id ${missing} could not be found.`,
  );
  await rejectsWith(
    network.validateRequested(caller, [{ network_id: networkId, fixed_ip: '10.9.9.9' }], []),
    400,
    'Fixed IP address 10.9.9.9 is invalid.',
  );
  await rejectsWith(network.validateRequested(caller, 'none', ['nope']), 400, 'Security group nope not found.');

  const used = await cloud.call('POST', '/networking/v2.0/ports', {
    token: cloud.adminToken,
    body: { port: { network_id: networkId, device_id: 'someone-else' } },
  });
  await rejectsWith(
    network.validateRequested(caller, [{ port_id: used.body.port.id }], []),
    409,
    `Port ${used.body.port.id} is still in use.`,
  );

  // Nothing named (before 2.37): the only network is used; with two it is ambiguous.
  assert.deepEqual((await network.validateRequested(caller, [], [])).requested, [{ network_id: networkId }]);
  assert.deepEqual((await network.validateRequested(caller, 'none', [])).requested, []);
  await makeNetwork(cloud, 'net2', '10.2.0.0/24');
  // (lookups are cached for a few seconds per token: a fresh token sees the second network)
  const fresh = await cloud.login('admin', cloud.adminPassword, { project: { id: adminProjectId } });
  await rejectsWith(
    network.validateRequested({ token: fresh.token, projectId: adminProjectId }, [], []),
    409,
    'More than one possible network found. Specify network ID(s) to select which one(s) to connect to.',
  );
});

test('network client: ports allocated, described, cleaned up after a failure and released', async (t) => {
  const { cloud, network, adminProjectId } = await cloudWithClients(t);
  const caller = { token: cloud.adminToken, projectId: adminProjectId };
  const { networkId, subnetId } = await makeNetwork(cloud, 'net1', '10.1.0.0/24');
  const userPort = await cloud.call('POST', '/networking/v2.0/ports', {
    token: cloud.adminToken,
    body: { port: { network_id: networkId, name: 'mine' } },
  });
  assert.equal(userPort.status, 201);
  const instance = { uuid: randomUUID(), project_id: adminProjectId, availability_zone: null, hostname: 'vm-1' };
  const resolved = await network.validateRequested(
    caller,
    [{ network_id: networkId, tag: 'a' }, { port_id: userPort.body.port.id }],
    ['default'],
  );
  const info = await network.allocatePorts(instance, resolved, 'host-1');
  assert.equal(info.length, 2);
  assert.equal(info[0].network.label, 'net1');
  assert.equal(info[0].network.id, networkId);
  assert.equal(info[0].fixed_ips[0].subnet_id, subnetId);
  assert.equal(info[0].fixed_ips[0].version, 4);
  assert.match(info[0].fixed_ips[0].ip_address, /^10\.1\.0\./);
  assert.equal(info[0].preserve_on_delete, false);
  assert.equal(info[0].tag, 'a');
  assert.equal(info[1].id, userPort.body.port.id);
  assert.equal(info[1].preserve_on_delete, true);

  const ports = await cloud.call('GET', `/networking/v2.0/ports?device_id=${instance.uuid}`, {
    token: cloud.adminToken,
  });
  assert.equal(ports.body.ports.length, 2);
  for (const p of ports.body.ports) {
    assert.equal(p.device_owner, 'compute:nova');
    assert.equal(p['binding:host_id'], 'host-1');
    assert.equal(p.project_id, adminProjectId);
  }
  const listed = await network.networkInfo(instance.uuid);
  assert.deepEqual(listed.map((v) => v.id).sort(), info.map((v) => v.id).sort());

  const rebound = await network.bindPorts(instance.uuid, 'host-2');
  assert.equal(rebound.length, 2);
  const after = await cloud.call('GET', `/networking/v2.0/ports?device_id=${instance.uuid}`, {
    token: cloud.adminToken,
  });
  assert.ok(after.body.ports.every((p: Record<string, unknown>) => p['binding:host_id'] === 'host-2'));

  await network.deallocatePorts(instance.uuid, info);
  const gone = await cloud.call('GET', `/networking/v2.0/ports?device_id=${instance.uuid}`, {
    token: cloud.adminToken,
  });
  assert.equal(gone.body.ports.length, 0);
  const kept = await cloud.call('GET', `/networking/v2.0/ports/${userPort.body.port.id}`, { token: cloud.adminToken });
  assert.equal(kept.status, 200, 'the user port stays');
  assert.equal(kept.body.port.device_id, '');
  assert.equal(kept.body.port['binding:host_id'], '');

  // A failure in the middle (the fixed IP is taken) leaves no port behind.
  const taken = info[0].fixed_ips[0].ip_address === '10.1.0.50' ? '10.1.0.51' : '10.1.0.50';
  await cloud.call('POST', '/networking/v2.0/ports', {
    token: cloud.adminToken,
    body: { port: { network_id: networkId, fixed_ips: [{ ip_address: taken }] } },
  });
  const second = { ...instance, uuid: randomUUID() };
  await assert.rejects(
    network.allocatePorts(
      second,
      { requested: [{ network_id: networkId }, { network_id: networkId, fixed_ip: taken }], securityGroupIds: [] },
      'host-1',
    ),
  );
  const none = await cloud.call('GET', `/networking/v2.0/ports?device_id=${second.uuid}`, {
    token: cloud.adminToken,
  });
  assert.equal(none.body.ports.length, 0);
});

test('image client: show with the caller token (404 → undefined), snapshot create and delete, file URL', async (t) => {
  const { cloud, image } = await cloudWithClients(t);
  const caller = { token: cloud.adminToken };
  const made = await image.createSnapshot(caller, {
    name: 'snap',
    disk_format: 'qcow2',
    container_format: 'bare',
    image_type: 'snapshot',
    instance_uuid: randomUUID(),
  });
  assert.equal(made.status, 'queued');
  const shown = await image.show(caller, made.id);
  assert.equal(shown?.name, 'snap');
  assert.equal(shown?.image_type, 'snapshot');
  assert.equal(await image.show(caller, randomUUID()), undefined);
  assert.equal(image.fileUrl(made.id), `${cloud.base}/image/v2/images/${made.id}/file`);
  await image.delete(caller, made.id);
  assert.equal(await image.show(caller, made.id), undefined, 'delete forgets the cached answer');
  const raw = await image.request(caller, 'GET', '/v2/images');
  assert.equal(raw.status, 200);
});
