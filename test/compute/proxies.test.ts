import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { TestCloud } from '../helpers/cloud.ts';
import { cloudWithClients, insertInstance, makeNetwork, memberUser } from './clients-harness.ts';

const C = '/compute/v2.1';
const at = (v: string) => ({ 'openstack-api-version': `compute ${v}` });

async function glanceImage(cloud: TestCloud, extra: Record<string, unknown> = {}, data = true): Promise<string> {
  const made = await cloud.call('POST', '/image/v2/images', {
    token: cloud.adminToken,
    body: { name: 'proxy-img', disk_format: 'raw', container_format: 'bare', visibility: 'private', ...extra },
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  if (data) {
    const put = await fetch(`${cloud.base}/image/v2/images/${made.body.id}/file`, {
      method: 'PUT',
      headers: { 'x-auth-token': cloud.adminToken, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(1024).fill(42),
    });
    assert.equal(put.status, 204);
  }
  return made.body.id;
}

test('compute /images proxies Glance at 2.1 (views, filters, metadata) and is gone from 2.36', async (t) => {
  const { cloud } = await cloudWithClients(t);
  const token = cloud.adminToken;
  const id = await glanceImage(cloud, { os_distro: 'cirros', min_ram: 64 });
  const queued = await glanceImage(cloud, { name: 'still-queued' }, false);

  const list = await cloud.call('GET', `${C}/images`, { token });
  assert.equal(list.status, 200);
  const entry = list.body.images.find((i: { id: string }) => i.id === id);
  assert.deepEqual(Object.keys(entry).sort(), ['id', 'links', 'name']);
  assert.deepEqual(
    entry.links.map((l: { rel: string }) => l.rel),
    ['self', 'bookmark', 'alternate'],
  );

  const shown = await cloud.call('GET', `${C}/images/${id}`, { token });
  assert.equal(shown.status, 200);
  const img = shown.body.image;
  assert.equal(img.status, 'ACTIVE');
  assert.equal(img.progress, 100);
  assert.equal(img.minRam, 64);
  assert.equal(img.minDisk, 0);
  assert.equal(img['OS-EXT-IMG-SIZE:size'], 1024);
  assert.deepEqual(img.metadata, { os_distro: 'cirros' });
  assert.match(img.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const q = await cloud.call('GET', `${C}/images/${queued}`, { token });
  assert.equal(q.body.image.status, 'SAVING');
  assert.equal(q.body.image.progress, 25);

  const named = await cloud.call('GET', `${C}/images/detail?name=still-queued`, { token });
  assert.deepEqual(
    named.body.images.map((i: { id: string }) => i.id),
    [queued],
  );
  const limited = await cloud.call('GET', `${C}/images?limit=1`, { token });
  assert.equal(limited.body.images.length, 1);
  assert.equal(limited.body.images_links[0].rel, 'next');
  const byStatus = await cloud.call('GET', `${C}/images/detail?status=ACTIVE`, { token });
  assert.ok(byStatus.body.images.every((i: { status: string }) => i.status === 'ACTIVE'));

  // metadata
  const put = await cloud.call('PUT', `${C}/images/${id}/metadata`, {
    token,
    body: { metadata: { os_version: 'v1', os_distro: 'd2' } },
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.deepEqual(put.body.metadata, { os_version: 'v1', os_distro: 'd2' });
  const post = await cloud.call('POST', `${C}/images/${id}/metadata`, {
    token,
    body: { metadata: { architecture: 'x86_64' } },
  });
  assert.deepEqual(post.body.metadata, { os_version: 'v1', os_distro: 'd2', architecture: 'x86_64' });
  const item = await cloud.call('GET', `${C}/images/${id}/metadata/os_distro`, { token });
  assert.deepEqual(item.body, { meta: { os_distro: 'd2' } });
  const setItem = await cloud.call('PUT', `${C}/images/${id}/metadata/os_distro`, {
    token,
    body: { meta: { os_distro: 'alt' } },
  });
  assert.deepEqual(setItem.body, { meta: { os_distro: 'alt' } });
  const mismatch = await cloud.call('PUT', `${C}/images/${id}/metadata/os_distro`, {
    token,
    body: { meta: { other: 'x' } },
  });
  assert.equal(mismatch.status, 400);
  assert.equal((await cloud.call('DELETE', `${C}/images/${id}/metadata/os_version`, { token })).status, 204);
  const after = await cloud.call('GET', `${C}/images/${id}/metadata`, { token });
  assert.deepEqual(after.body.metadata, { os_distro: 'alt', architecture: 'x86_64' });
  assert.equal((await cloud.call('GET', `${C}/images/${id}/metadata/nope`, { token })).status, 404);
  const missing = randomUUID();
  for (const [method, path] of [
    ['GET', `${C}/images/${missing}`],
    ['DELETE', `${C}/images/${missing}`],
    ['GET', `${C}/images/${missing}/metadata`],
  ]) {
    const res = await cloud.call(method, path, { token });
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.equal(res.body.itemNotFound.message, 'Image not found.');
  }

  // version gates: /images ≤ 2.35, its metadata ≤ 2.38
  assert.equal((await cloud.call('GET', `${C}/images`, { token, headers: at('2.35') })).status, 200);
  const gone = await cloud.call('GET', `${C}/images`, { token, headers: at('2.36') });
  assert.equal(gone.status, 404);
  assert.ok(gone.body.itemNotFound);
  assert.equal((await cloud.call('GET', `${C}/images/${id}/metadata`, { token, headers: at('2.38') })).status, 200);
  assert.equal((await cloud.call('GET', `${C}/images/${id}/metadata`, { token, headers: at('2.39') })).status, 404);

  assert.equal((await cloud.call('DELETE', `${C}/images/${id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${C}/images/${id}`, { token })).status, 404);
});

test('os-security-groups and rules map Neutron groups in Nova shape with Nova errors', async (t) => {
  const { cloud } = await cloudWithClients(t);
  const token = cloud.adminToken;
  const made = await cloud.call('POST', `${C}/os-security-groups`, {
    token,
    body: { security_group: { name: 'web', description: 'web servers' } },
  });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const sg = made.body.security_group;
  assert.deepEqual(Object.keys(sg).sort(), ['description', 'id', 'name', 'rules', 'tenant_id']);
  assert.deepEqual(sg.rules, [], 'egress rules are not shown');

  const rule = await cloud.call('POST', `${C}/os-security-group-rules`, {
    token,
    body: { security_group_rule: { parent_group_id: sg.id, ip_protocol: 'tcp', from_port: 22, to_port: 22 } },
  });
  assert.equal(rule.status, 200, JSON.stringify(rule.body));
  assert.deepEqual(rule.body.security_group_rule, {
    id: rule.body.security_group_rule.id,
    parent_group_id: sg.id,
    ip_protocol: 'tcp',
    from_port: 22,
    to_port: 22,
    group: {},
    ip_range: { cidr: '0.0.0.0/0' },
  });
  const fromGroup = await cloud.call('POST', `${C}/os-security-group-rules`, {
    token,
    body: { security_group_rule: { parent_group_id: sg.id, ip_protocol: 'icmp', group_id: sg.id } },
  });
  assert.equal(fromGroup.status, 200, JSON.stringify(fromGroup.body));
  assert.deepEqual(fromGroup.body.security_group_rule.group, { name: 'web', tenant_id: sg.tenant_id });
  assert.equal(fromGroup.body.security_group_rule.from_port, -1);

  const bad = async (body: Record<string, unknown>, status: number) => {
    const res = await cloud.call('POST', `${C}/os-security-group-rules`, {
      token,
      body: { security_group_rule: body },
    });
    assert.equal(res.status, status, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
  };
  await bad({ parent_group_id: sg.id, ip_protocol: 'tcp', from_port: 22, to_port: 22 }, 400); // duplicate
  await bad({ parent_group_id: sg.id, ip_protocol: 'tcp', from_port: 70000, to_port: 22 }, 400);
  await bad({ parent_group_id: sg.id, ip_protocol: 'tcp', from_port: 22, to_port: 21 }, 400);
  await bad({ parent_group_id: sg.id, ip_protocol: '999x', from_port: 22, to_port: 22 }, 400);
  await bad({ parent_group_id: 'not-a-uuid', ip_protocol: 'tcp', from_port: 22, to_port: 22 }, 400);
  await bad({ parent_group_id: randomUUID(), ip_protocol: 'tcp', from_port: 22, to_port: 22 }, 404);

  const listed = await cloud.call('GET', `${C}/os-security-groups`, { token });
  assert.equal(listed.status, 200);
  const names = listed.body.security_groups.map((g: { name: string }) => g.name);
  assert.ok(names.includes('web') && names.includes('default'), names.join());
  const shown = await cloud.call('GET', `${C}/os-security-groups/${sg.id}`, { token });
  assert.equal(shown.body.security_group.rules.length, 2);

  const upd = await cloud.call('PUT', `${C}/os-security-groups/${sg.id}`, {
    token,
    body: { security_group: { name: 'web2', description: 'd2' } },
  });
  assert.equal(upd.status, 200);
  assert.equal(upd.body.security_group.name, 'web2');

  // A project member may not delete its default group (Neutron's 409, Nova's 400).
  const member = await memberUser(cloud, 'sg-member');
  const own = await cloud.call('GET', `${C}/os-security-groups`, { token: member.token });
  const def = own.body.security_groups.find((g: { name: string }) => g.name === 'default');
  assert.ok(def, JSON.stringify(own.body));
  const delDefault = await cloud.call('DELETE', `${C}/os-security-groups/${def.id}`, { token: member.token });
  assert.equal(delDefault.status, 400, JSON.stringify(delDefault.body));
  const unknown = randomUUID();
  const missing = await cloud.call('GET', `${C}/os-security-groups/${unknown}`, { token });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.itemNotFound.message, `Security group ${unknown} not found.`);
  assert.equal((await cloud.call('DELETE', `${C}/os-security-groups/${unknown}`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${C}/os-security-group-rules/${unknown}`, { token })).status, 404);
  const ruleId = rule.body.security_group_rule.id;
  assert.equal((await cloud.call('DELETE', `${C}/os-security-group-rules/${ruleId}`, { token })).status, 202);
  assert.equal((await cloud.call('DELETE', `${C}/os-security-groups/${sg.id}`, { token })).status, 202);
  assert.equal((await cloud.call('GET', `${C}/os-security-groups`, { token, headers: at('2.36') })).status, 404);
});

test('os-floating-ips, pools and tenant networks over Neutron; gone at 2.36', async (t) => {
  const { cloud } = await cloudWithClients(t);
  const token = cloud.adminToken;
  const priv = await makeNetwork(cloud, 'private', '10.7.0.0/24');
  await makeNetwork(cloud, 'public', '172.24.7.0/24', { 'router:external': true });

  const pools = await cloud.call('GET', `${C}/os-floating-ip-pools`, { token });
  assert.deepEqual(pools.body, { floating_ip_pools: [{ name: 'public' }] });
  const made = await cloud.call('POST', `${C}/os-floating-ips`, { token, body: { pool: 'public' } });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const fip = made.body.floating_ip;
  assert.equal(fip.pool, 'public');
  assert.equal(fip.fixed_ip, null);
  assert.equal(fip.instance_id, null);
  assert.match(fip.ip, /^172\.24\.7\./);
  const nopool = await cloud.call('POST', `${C}/os-floating-ips`, { token, body: { pool: 'non_exist_pool' } });
  assert.equal(nopool.status, 404);
  const listed = await cloud.call('GET', `${C}/os-floating-ips`, { token });
  assert.deepEqual(listed.body.floating_ips, [fip]);
  assert.deepEqual((await cloud.call('GET', `${C}/os-floating-ips/${fip.id}`, { token })).body.floating_ip, fip);
  assert.equal((await cloud.call('GET', `${C}/os-floating-ips/${randomUUID()}`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${C}/os-floating-ips/${fip.id}`, { token })).status, 202);
  assert.equal((await cloud.call('DELETE', `${C}/os-floating-ips/${fip.id}`, { token })).status, 404);

  const nets = await cloud.call('GET', `${C}/os-tenant-networks`, { token });
  assert.equal(nets.status, 200);
  assert.ok(
    nets.body.networks.some(
      (n: Record<string, unknown>) => n.id === priv.networkId && n.label === 'private' && n.cidr === '10.7.0.0/24',
    ),
  );
  const one = await cloud.call('GET', `${C}/os-tenant-networks/${priv.networkId}`, { token });
  assert.deepEqual(one.body, { network: { id: priv.networkId, label: 'private', cidr: '10.7.0.0/24' } });
  assert.equal((await cloud.call('GET', `${C}/os-tenant-networks/${randomUUID()}`, { token })).status, 404);
  assert.equal((await cloud.call('GET', `${C}/os-networks`, { token })).status, 200);
  assert.equal((await cloud.call('POST', `${C}/os-networks`, { token, body: { network: {} } })).status, 410);
  for (const path of ['/os-floating-ips', '/os-floating-ip-pools', '/os-tenant-networks', '/os-networks'])
    assert.equal((await cloud.call('GET', `${C}${path}`, { token, headers: at('2.36') })).status, 404, path);
});

test('os-server-external-events (admin) answers per event; os-virtual-interfaces is 400 with Neutron', async (t) => {
  const { cloud, base, adminProjectId } = await cloudWithClients(t);
  const token = cloud.adminToken;
  const uuid = randomUUID();
  const unscheduled = randomUUID();
  await insertInstance(base.db, { uuid, project_id: adminProjectId });
  await insertInstance(base.db, { uuid: unscheduled, project_id: adminProjectId, host: null });
  const ok = await cloud.call('POST', `${C}/os-server-external-events`, {
    token,
    body: { events: [{ name: 'network-changed', server_uuid: uuid }] },
  });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual(ok.body.events, [{ server_uuid: uuid, name: 'network-changed', status: 'completed', code: 200 }]);
  const mixed = await cloud.call('POST', `${C}/os-server-external-events`, {
    token,
    body: {
      events: [
        { name: 'network-vif-plugged', server_uuid: uuid, tag: 'p1' },
        { name: 'network-vif-plugged', server_uuid: randomUUID() },
        { name: 'network-changed', server_uuid: unscheduled },
      ],
    },
  });
  assert.equal(mixed.status, 207);
  assert.deepEqual(
    mixed.body.events.map((e: { code: number; status: string }) => [e.code, e.status]),
    [
      [200, 'completed'],
      [404, 'failed'],
      [422, 'failed'],
    ],
  );
  const none = await cloud.call('POST', `${C}/os-server-external-events`, {
    token,
    body: { events: [{ name: 'network-changed', server_uuid: randomUUID() }] },
  });
  assert.equal(none.status, 404);
  const badName = await cloud.call('POST', `${C}/os-server-external-events`, {
    token,
    body: { events: [{ name: 'volume-extended', server_uuid: uuid }] },
  });
  assert.equal(badName.status, 400, 'volume-extended needs 2.51');

  const vifs = await cloud.call('GET', `${C}/servers/${uuid}/os-virtual-interfaces`, { token });
  assert.equal(vifs.status, 400);
  assert.equal(vifs.body.badRequest.message, 'Listing virtual interfaces is not supported by this cloud.');
  assert.equal((await cloud.call('GET', `${C}/servers/${randomUUID()}/os-virtual-interfaces`, { token })).status, 404);
  assert.equal(
    (await cloud.call('GET', `${C}/servers/${uuid}/os-virtual-interfaces`, { token, headers: at('2.44') })).status,
    404,
  );
});

test("nova-network's removed APIs answer 410 Gone", async (t) => {
  const { cloud } = await cloudWithClients(t);
  for (const [method, path] of [
    ['GET', '/os-fixed-ips/10.0.0.1'],
    ['POST', '/os-fixed-ips/10.0.0.1/action'],
    ['GET', '/os-floating-ips-bulk'],
    ['GET', '/os-floating-ip-dns'],
    ['GET', '/os-security-group-default-rules'],
  ])
    assert.equal((await cloud.call(method, `${C}${path}`, { token: cloud.adminToken })).status, 410, path);
});
