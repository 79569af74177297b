import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../helpers/cloud.ts';
import { createMember } from '../identity/member-fixture.ts';
import { cliFor, hasOpenstackCli } from './openstack-cli.ts';

const skip = hasOpenstackCli ? false : 'python3-openstackclient is not installed';

test('openstack CLI: a tenant network with router, gateway, port and floating IP; RBAC sharing; quotas', {
  skip,
  timeout: 600000,
}, async (t) => {
  const cloud = await startCloud(t);
  const cli = await cliFor(cloud.dataDir, cloud.authUrl, cloud.adminPassword);
  const { os } = cli;
  const alice = await createMember(cloud, 'cli-net-alice');
  await cli.addCloud('alice', {
    username: 'cli-net-alice',
    password: 'cli-net-alice-pw',
    project_id: alice.projectId,
    user_domain_name: 'Default',
  });
  const bob = await createMember(cloud, 'cli-net-bob');
  const asAlice = { cloud: 'alice' };

  // The admin makes the external network floating IPs come from.
  const pub = await os([
    'network',
    'create',
    '--external',
    '--provider-network-type',
    'flat',
    '--provider-physical-network',
    'public',
    'public',
  ]);
  assert.equal(pub['router:external'], true);
  await os(['subnet', 'create', '--network', 'public', '--subnet-range', '172.24.4.0/24', '--no-dhcp', 'public-v4']);

  // The tenant builds a network, subnet, router with a gateway, plugs the subnet in, makes a port and a floating IP.
  const net = await os(['network', 'create', 'app-net'], asAlice);
  assert.equal(net.status, 'ACTIVE');
  const subnet = await os(
    ['subnet', 'create', '--network', 'app-net', '--subnet-range', '10.10.0.0/24', 'app-subnet'],
    asAlice,
  );
  assert.equal(subnet.gateway_ip, '10.10.0.1');
  assert.deepEqual(subnet.allocation_pools, [{ start: '10.10.0.2', end: '10.10.0.254' }]);
  const router = await os(['router', 'create', 'app-router'], asAlice);
  await os(['router', 'set', '--external-gateway', 'public', 'app-router'], { ...asAlice, json: false });
  await os(['router', 'add', 'subnet', 'app-router', 'app-subnet'], { ...asAlice, json: false });
  const shownRouter = await os(['router', 'show', 'app-router'], asAlice);
  assert.equal(shownRouter.external_gateway_info.network_id, pub.id);
  assert.equal(shownRouter.id, router.id);

  const port = await os(['port', 'create', '--network', 'app-net', 'app-port'], asAlice);
  assert.equal(port.fixed_ips[0].subnet_id, subnet.id);
  assert.match(port.mac_address, /^fa:16:3e(:[0-9a-f]{2}){3}$/);
  const fip = await os(['floating', 'ip', 'create', '--port', 'app-port', 'public'], asAlice);
  assert.equal(fip.port_id, port.id);
  assert.equal(fip.fixed_ip_address, port.fixed_ips[0].ip_address);
  assert.match(fip.floating_ip_address, /^172\.24\.4\./);
  const ports = await os(['port', 'list', '--network', 'app-net'], asAlice);
  assert.ok(ports.some((p: { ID: string }) => p.ID === port.id));

  // Security groups: the project's default group exists; a rule can be added.
  const group = await os(['security', 'group', 'create', 'web'], asAlice);
  const rule = await os(
    ['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '80', '--ingress', 'web'],
    asAlice,
  );
  assert.equal(rule.port_range_min, 80);
  assert.equal(rule.security_group_id, group.id);

  // The admin shares a network with bob's project by RBAC; bob then sees it.
  const sharedNet = await os(['network', 'create', 'shared-net']);
  await os([
    'network',
    'rbac',
    'create',
    '--type',
    'network',
    '--action',
    'access_as_shared',
    '--target-project',
    bob.projectId,
    'shared-net',
  ]);
  const seen = await cloud.call('GET', `/networking/v2.0/networks/${sharedNet.id}`, { token: bob.token });
  assert.equal(seen.status, 200);
  assert.equal(seen.body.network.shared, true);

  // Quotas: with a floating IP quota of 10, the 11th is refused. The quota is set through the Networking API
  // because this openstackclient (6.0) asks the Compute service on every `quota` command, and Compute is not
  // built yet.
  const set = await cloud.call('PUT', `/networking/v2.0/quotas/${alice.projectId}`, {
    token: cloud.adminToken,
    body: { quota: { floatingip: 10 } },
  });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  for (let i = 1; i < 10; i++) await os(['floating', 'ip', 'create', 'public'], asAlice);
  await assert.rejects(os(['floating', 'ip', 'create', 'public'], asAlice), /Quota exceeded/);
  assert.equal((await os(['floating', 'ip', 'list'], asAlice)).length, 10);

  // Tear down in the order Neutron requires.
  await os(['floating', 'ip', 'delete', fip.id], { ...asAlice, json: false });
  await os(['router', 'remove', 'subnet', 'app-router', 'app-subnet'], { ...asAlice, json: false });
  await os(['router', 'unset', '--external-gateway', 'app-router'], { ...asAlice, json: false });
  await os(['router', 'delete', 'app-router'], { ...asAlice, json: false });
  await os(['port', 'delete', 'app-port'], { ...asAlice, json: false });
  await os(['network', 'delete', 'app-net'], { ...asAlice, json: false });
  assert.equal((await os(['network', 'list', '--name', 'app-net'], asAlice)).length, 0);
});
