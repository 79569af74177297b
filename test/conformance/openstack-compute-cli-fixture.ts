import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitForComputeHost } from '../compute/bad-input-cases.ts';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { createMember, type Member } from '../identity/member-fixture.ts';
import { type CliCloud, cliFor } from './openstack-cli.ts';

/** A started cloud with a member project ready to boot servers: its network, a public image, the CLI for both. */
export interface ComputeCli {
  cloud: TestCloud;
  cli: CliCloud;
  /** `openstack ...` as the admin. */
  admin: CliCloud['os'];
  /** `openstack ...` as alice, a member of her own project. */
  alice: CliCloud['os'];
  member: Member;
  networkId: string;
  imageId: string;
  /** Another public image (rebuild and rescue switch to it). */
  altImageId: string;
  /** Where files the CLI reads (public keys) are written. */
  dataDir: string;
}

/**
 * The cloud the compute CLI flows run against: the fake driver with a small delay per operation (so BUILD,
 * REBOOT and RESIZE are seen, as on a real host) and shelved servers offloaded at once.
 */
export async function computeCli(): Promise<ComputeCli> {
  const cloud = await startCloud(undefined, { compute: { fakeDelayMs: 20, shelvedOffloadTime: 0 } });
  const cli = await cliFor(cloud.dataDir, cloud.authUrl, cloud.adminPassword);
  const member = await createMember(cloud, 'cli-compute-alice');
  await cli.addCloud('alice', {
    username: 'cli-compute-alice',
    password: 'cli-compute-alice-pw',
    project_id: member.projectId,
    user_domain_name: 'Default',
  });
  const net = await cloud.call('POST', '/networking/v2.0/networks', {
    token: member.token,
    body: { network: { name: 'app-net' } },
  });
  assert.equal(net.status, 201, JSON.stringify(net.body));
  const subnet = await cloud.call('POST', '/networking/v2.0/subnets', {
    token: member.token,
    body: { subnet: { network_id: net.body.network.id, ip_version: 4, cidr: '10.20.0.0/24', name: 'app-subnet' } },
  });
  assert.equal(subnet.status, 201, JSON.stringify(subnet.body));
  const imageId = await uploadImage(cloud, 'cirros-cli');
  const altImageId = await uploadImage(cloud, 'cirros-cli-alt');
  await waitForComputeHost(cloud);
  return {
    cloud,
    cli,
    admin: (args, opts) => cli.os(args, opts),
    alice: (args, opts) => cli.os(args, { ...opts, cloud: 'alice' }),
    member,
    networkId: net.body.network.id,
    imageId,
    altImageId,
    dataDir: cloud.dataDir,
  };
}

/** A small active public image made through the Image API (the fake driver never reads its bytes). */
export async function uploadImage(cloud: TestCloud, name: string): Promise<string> {
  const created = await cloud.call('POST', '/image/v2/images', {
    token: cloud.adminToken,
    body: { name, disk_format: 'raw', container_format: 'bare', visibility: 'public' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const put = await cloud.call('PUT', `/image/v2/images/${created.body.id}/file`, {
    token: cloud.adminToken,
    raw: 'x'.repeat(4096),
    headers: { 'content-type': 'application/octet-stream' },
  });
  assert.equal(put.status, 204, JSON.stringify(put.body));
  return created.body.id;
}

/** The server as the Compute API shows it to `token` (Tempest's waiter reads the same fields). */
export async function serverOf(cloud: TestCloud, token: string, id: string) {
  const res = await cloud.call('GET', `/compute/v2.1/servers/${id}`, { token });
  return res;
}

/**
 * Polls the server until its status is `status` with no task in progress (Tempest's wait_for_server_status);
 * an unexpected ERROR fails at once with the fault.
 */
export async function waitForStatus(
  cloud: TestCloud,
  token: string,
  id: string,
  status: string,
  timeoutMs = 60_000,
): Promise<Record<string, any>> {
  const until = Date.now() + timeoutMs;
  let last: Record<string, any> | undefined;
  while (Date.now() < until) {
    const res = await serverOf(cloud, token, id);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    last = res.body.server;
    if (last!.status === status && !last!['OS-EXT-STS:task_state']) return last!;
    if (last!.status === 'ERROR' && status !== 'ERROR')
      assert.fail(`server ${id} went to ERROR waiting for ${status}: ${JSON.stringify(last!.fault)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`server ${id} not ${status} within ${timeoutMs} ms: ${last?.status}/${last?.['OS-EXT-STS:task_state']}`);
}

/** Polls until the server answers 404 (deleted). */
export async function waitForGone(cloud: TestCloud, token: string, id: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await serverOf(cloud, token, id)).status === 404) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`server ${id} still there after ${timeoutMs} ms`);
}

/** An RSA public key in OpenSSH's one-line form, written to a file for `keypair create --public-key`. */
export async function sshPublicKeyFile(dir: string, name: string): Promise<{ path: string; key: string }> {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const field = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  // mpint: a leading zero byte keeps a set high bit from reading as negative.
  const mpint = (b64url: string) => {
    const raw = Buffer.from(b64url, 'base64url');
    return field(raw[0] & 0x80 ? Buffer.concat([Buffer.from([0]), raw]) : raw);
  };
  const blob = Buffer.concat([field(Buffer.from('ssh-rsa')), mpint(jwk.e!), mpint(jwk.n!)]);
  const key = `ssh-rsa ${blob.toString('base64')} ${name}@strata-test`;
  const path = join(dir, `${name}.pub`);
  await writeFile(path, `${key}\n`);
  return { path, key };
}
