import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Config, DeepPartial } from '../../src/core/config.ts';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';

/** A cloud with a network + subnet, an active tiny image and the seeded flavors, ready to boot servers. */
export interface ServerFixture {
  cloud: TestCloud;
  token: string;
  networkId: string;
  imageId: string;
  /** m1.nano (seeded). */
  flavorId: string;
  compute(
    method: string,
    path: string,
    opts?: { body?: unknown; mv?: string; token?: string },
  ): ReturnType<TestCloud['call']>;
  boot(body?: Record<string, unknown>, mv?: string): Promise<string>;
  waitFor(uuid: string, status: string, timeoutMs?: number): Promise<Record<string, any>>;
}

export async function serverFixture(t: TestContext, values: DeepPartial<Config> = {}): Promise<ServerFixture> {
  const cloud = await startCloud(t, values);
  const token = cloud.adminToken;
  const net = await cloud.call('POST', '/networking/v2.0/networks', { token, body: { network: { name: 'private' } } });
  assert.equal(net.status, 201, JSON.stringify(net.body));
  const networkId = net.body.network.id;
  const sub = await cloud.call('POST', '/networking/v2.0/subnets', {
    token,
    body: { subnet: { network_id: networkId, cidr: '10.9.0.0/24', ip_version: 4, name: 'private-subnet' } },
  });
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  const img = await cloud.call('POST', '/image/v2/images', {
    token,
    body: { name: 'tiny', disk_format: 'qcow2', container_format: 'bare', visibility: 'public', os_distro: 'cirros' },
  });
  assert.equal(img.status, 201, JSON.stringify(img.body));
  const imageId = img.body.id;
  const put = await fetch(`${cloud.base}/image/v2/images/${imageId}/file`, {
    method: 'PUT',
    headers: { 'x-auth-token': token, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(1024),
  });
  assert.equal(put.status, 204);
  await waitForHost(cloud, token);
  const compute: ServerFixture['compute'] = (method, path, opts = {}) =>
    cloud.call(method, `/compute/v2.1${path}`, {
      token: opts.token ?? token,
      body: opts.body,
      headers: opts.mv ? { 'openstack-api-version': `compute ${opts.mv}` } : {},
    });
  const boot: ServerFixture['boot'] = async (body = {}, mv) => {
    const res = await compute('POST', '/servers', {
      mv,
      body: { server: { name: 'vm', imageRef: imageId, flavorRef: '42', networks: [{ uuid: networkId }], ...body } },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.server.id;
  };
  const waitFor: ServerFixture['waitFor'] = async (uuid, status, timeoutMs = 20000) => {
    const end = Date.now() + timeoutMs;
    let last: Record<string, any> = {};
    while (Date.now() < end) {
      const res = await compute('GET', `/servers/${uuid}`);
      if (status === 'DELETED' && res.status === 404) return {};
      assert.equal(res.status, 200, JSON.stringify(res.body));
      last = res.body.server;
      // A deleted server shows DELETED for a moment while its ports and claims are released; it is gone at 404.
      if (last.status === status && last['OS-EXT-STS:task_state'] === null && status !== 'DELETED') return last;
      if (last.status === 'ERROR' && status !== 'ERROR')
        assert.fail(`server went to ERROR: ${JSON.stringify(last.fault)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`server ${uuid} did not reach ${status}: ${last.status}/${last['OS-EXT-STS:task_state']}`);
  };
  return { cloud, token, networkId, imageId, flavorId: '42', compute, boot, waitFor };
}

/** The in-process agent reports its host shortly after start; the scheduler needs that first report. */
async function waitForHost(cloud: TestCloud, token: string): Promise<void> {
  const end = Date.now() + 10000;
  while (Date.now() < end) {
    const res = await cloud.call('GET', '/placement/resource_providers', {
      token,
      headers: { 'openstack-api-version': 'placement 1.14' },
    });
    if (res.status === 200 && res.body.resource_providers?.length > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
