import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { loadConfig } from '../../src/core/config.ts';
import { listNamespaces } from '../../src/core/host/netns.ts';
import { run } from '../../src/core/host/run.ts';
import { createLinuxDataplane } from '../../src/network/drivers/linux/index.ts';
import { startCloud } from '../helpers/cloud.ts';
import { l3Client } from './l3-fixture.ts';
import { skipReason } from './linux-fixture.ts';

const skip = await skipReason();

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The linux dataplane behind a real all-in-one (compute fake): API changes reach the host's agent and become
 * DHCP, ports, routers and filters; deleting everything leaves nothing of this host behind.
 */
test('linux dataplane in the cloud: API changes are wired, deletes leave nothing', { skip }, async (t) => {
  const host = `c${randomUUID().slice(0, 6)}`;
  const hostNs = `strata-host-${host}`;
  // A second compute host of the all-in-one: its own namespace and L2 agent, patched to the first.
  const host2 = `${host}b`;
  const values = {
    drivers: 'auto' as const,
    compute: { driver: 'fake' as const, hosts: [host, host2] },
    network: { dataplane: 'linux' as const, host },
  };
  const cloud = await startCloud(t, values);
  t.after(async () => {
    // A clean stop keeps the wiring (guests survive restarts): tear this host down for real.
    await cloud.close();
    for (const h of [host, host2]) {
      const driver = createLinuxDataplane(await loadConfig({ dataDir: cloud.dataDir, env: {}, values }));
      await driver.start(h);
      await driver.teardown();
    }
  });
  const l3 = l3Client(cloud);
  const admin = cloud.adminToken;
  const ext = await l3.externalNetwork('172.24.10.0/24');
  const inside = await l3.tenantNetwork(admin, '10.79.0.0/24');
  // The external network is wired at once, before any router: `strata net exec` puts a client on it.
  await until('the external bridge', async () =>
    (await readFile(`${cloud.dataDir}/network/${host}/external/${ext.networkId}`, 'utf8').catch(() => '')).startsWith(
      'brq',
    ),
  );
  const port = new URL(cloud.base).port;
  const netExec = (...argv: string[]) =>
    run(
      process.execPath,
      [
        'src/cli/main.ts',
        '-d',
        cloud.dataDir,
        '-p',
        port,
        'net',
        'exec',
        '--agent-host',
        host,
        '--address',
        '172.24.10.3/24',
        '--name',
        host,
        ...argv,
      ],
      {
        allowFail: true,
      },
    );
  t.after(() => netExec('--delete'));
  const api = await netExec('--', 'busybox', 'wget', '-q', '-O', '-', `http://127.0.0.1:${port}/identity/v3`);
  assert.equal(api.code, 0, api.stderr);
  assert.match(api.stdout, /"version"/, 'the API answers inside the client namespace');
  assert.equal((await netExec('--', 'sh', '-c', 'exit 3')).code, 3, 'the exit code is passed on');

  // The DHCP port appears (allocated for the agent), goes ACTIVE, and dnsmasq serves the network.
  const dhcpPort = await until('the DHCP port', async () => {
    const r = await l3.net(admin, 'GET', `/ports?network_id=${inside.networkId}&device_owner=network:dhcp`);
    return r.body.ports?.[0]?.status === 'ACTIVE' && r.body.ports[0];
  });
  const dhcpDir = `${cloud.dataDir}/network/${host}/dhcp/${inside.networkId}`;
  await until('dnsmasq', async () => (await run('pgrep', ['-f', dhcpDir], { allowFail: true })).code === 0);
  const dhcpAddr = await run('ip', ['-n', `strata-dhcp-${inside.networkId}`, '-br', 'addr']);
  assert.match(dhcpAddr.stdout, new RegExp(dhcpPort.fixed_ips[0].ip_address.replaceAll('.', '\\.')));

  // A port bound to the host: its tap, ACTIVE, and a line in dnsmasq's hosts file.
  const vmPort = await l3.port(admin, inside.networkId, { 'binding:host_id': host, device_owner: 'compute:nova' });
  await until('the port ACTIVE', async () => {
    const r = await l3.net(admin, 'GET', `/ports/${vmPort.id}`);
    return r.body.port.status === 'ACTIVE';
  });
  assert.equal(
    (await run('ip', ['-n', hostNs, 'link', 'show', `tap${vmPort.id.slice(0, 11)}`], { allowFail: true })).code,
    0,
  );
  await until('the hosts entry', async () =>
    (await readFile(`${dhcpDir}/host`, 'utf8').catch(() => '')).includes(vmPort.mac_address),
  );

  // A port on the second host: its tap there, and the network's bridges of the two hosts patched together.
  const remote = await l3.port(admin, inside.networkId, { 'binding:host_id': host2, device_owner: 'compute:nova' });
  await until("the second host's port ACTIVE", async () => {
    const r = await l3.net(admin, 'GET', `/ports/${remote.id}`);
    return r.body.port.status === 'ACTIVE';
  });
  const links2 = (await run('ip', ['-n', `strata-host-${host2}`, '-br', 'link'])).stdout;
  assert.match(links2, new RegExp(`^tap${remote.id.slice(0, 11)}`, 'm'));
  assert.match(links2, /^pt-/m);
  await l3.ok(l3.net(admin, 'DELETE', `/ports/${remote.id}`), 204);
  // Its last port gone, the second host drops the bridge, its patch, and then its namespace.
  await until('the second host released', async () => !(await listNamespaces()).includes(`strata-host-${host2}`));

  // A security group rule reaches the port's filter.
  const group = (
    await l3.ok(l3.net(admin, 'GET', `/security-groups?project_id=${vmPort.project_id}&name=default`), 200)
  ).security_groups[0];
  await l3.ok(
    l3.net(admin, 'POST', '/security-group-rules', {
      security_group_rule: {
        security_group_id: group.id,
        direction: 'ingress',
        protocol: 'tcp',
        port_range_min: 2222,
        port_range_max: 2222,
      },
    }),
    201,
  );
  await until('the rule in nftables', async () =>
    (await run('nft', ['list', 'table', 'inet', 'strata_filter'], { netns: hostNs })).stdout.includes('tcp dport 2222'),
  );

  // A second member of the default group: the first port's "ingress from default" rule now names its address.
  const second = await l3.port(admin, inside.networkId, { 'binding:host_id': host, device_owner: 'compute:nova' });
  const firstIngress = `ingress_${vmPort.id.slice(0, 11).replaceAll('-', '_')}`;
  await until("the remote group expanded in the first port's filter", async () => {
    const out = await run('nft', ['list', 'chain', 'inet', 'strata_filter', firstIngress], {
      netns: hostNs,
      allowFail: true,
    });
    return out.stdout.includes(second.fixed_ips[0].ip_address);
  });
  await l3.ok(l3.net(admin, 'DELETE', `/ports/${second.id}`), 204);

  // A router: namespace with qr- and qg-, the gateway address, NAT.
  const router = await l3.router(admin, { external_gateway_info: { network_id: ext.networkId } });
  await l3.ok(l3.net(admin, 'PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: inside.subnetId }), 200);
  const routerNs = `strata-router-${router.id}`;
  await until('the router interface', async () => {
    const out = await run('ip', ['-n', routerNs, '-br', 'addr'], { allowFail: true });
    return out.stdout.includes(inside.gateway) && /qg-\S+\s+UP\s+172\.24\.10\./.test(out.stdout);
  });
  const gatewayIp = (await l3.ok(l3.net(admin, 'GET', `/routers/${router.id}`), 200)).router.external_gateway_info
    .external_fixed_ips[0].ip_address;
  const reach = await netExec('--', 'busybox', 'ping', '-c', '1', '-W', '2', gatewayIp);
  assert.equal(reach.code, 0, `the client reaches the router's gateway ${gatewayIp}: ${reach.stdout}`);
  await until('the SNAT rule', async () => {
    const nat = await run('nft', ['list', 'table', 'ip', 'strata_nat'], { netns: routerNs, allowFail: true });
    return /ip saddr \{? ?10\.79\.0\.0\/24 \}? ?snat to 172\.24\.10\./.test(nat.stdout);
  });

  // Delete everything: nothing of this host is left.
  await l3.ok(
    l3.net(admin, 'PUT', `/routers/${router.id}/remove_router_interface`, { subnet_id: inside.subnetId }),
    200,
  );
  await l3.ok(l3.net(admin, 'DELETE', `/routers/${router.id}`), 204);
  await l3.ok(l3.net(admin, 'DELETE', `/ports/${vmPort.id}`), 204);
  await l3.ok(l3.net(admin, 'DELETE', `/networks/${inside.networkId}`), 204);
  await l3.ok(l3.net(admin, 'DELETE', `/networks/${ext.networkId}`), 204);
  await until('the router and DHCP namespaces gone', async () => {
    const names = await listNamespaces();
    return !names.includes(routerNs) && !names.includes(`strata-dhcp-${inside.networkId}`);
  });
  await until('no dnsmasq', async () => (await run('pgrep', ['-f', dhcpDir], { allowFail: true })).code !== 0);
  let left = '';
  await until('no bridge or tap', async () => {
    left = (await run('ip', ['-n', hostNs, '-br', 'link'], { allowFail: true })).stdout;
    return !/^(brq|tap)/m.test(left);
  }).catch((err) => assert.fail(`${err.message} (ext ${ext.networkId}, inside ${inside.networkId}): ${left}`));
});
