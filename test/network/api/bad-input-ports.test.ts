import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';
import { createMember } from '../../identity/member-fixture.ts';
import { assertNeutronError, type BadCase, bad, idsOf, ipUse, MISSING, runBadCases } from '../bad-input-cases.ts';
import { l3Client } from '../l3-fixture.ts';

interface Fixture {
  net: string;
  subnet: string;
  otherSubnet: string;
  othersPrivate: string;
  othersPort: string;
  port: string;
  takenIp: string;
  takenMac: string;
}

function createCases(f: Fixture): BadCase[] {
  const post = (name: string, status: number, type: string, port: Record<string, unknown>, message?: string) =>
    bad(name, status, type, 'POST', '/ports', { body: { port: { network_id: f.net, ...port } }, message });
  const shape = (name: string, port: Record<string, unknown>, message?: string) =>
    post(name, 400, 'HTTPBadRequest', port, message);
  return [
    shape('port: MAC with bad digits', { mac_address: 'zz:16:3e:00:00:01' }, 'is not a valid MAC address'),
    shape('port: MAC too short', { mac_address: 'fa:16:3e:00:01' }),
    shape('port: all-zero MAC', { mac_address: '00:00:00:00:00:00' }),
    shape('port: broadcast MAC', { mac_address: 'ff:ff:ff:ff:ff:ff' }),
    shape('port: MAC not a string', { mac_address: 42 }),
    post('port: MAC already used on the network', 409, 'MacAddressInUse', { mac_address: f.takenMac }),
    shape('port: no network_id', { network_id: undefined }, "Required attribute 'network_id' not specified"),
    shape('port: network_id not a UUID', { network_id: 'net1' }),
    post('port: unknown network', 404, 'NetworkNotFound', { network_id: MISSING }),
    post("port: on another project's private network", 404, 'NetworkNotFound', { network_id: f.othersPrivate }),
    shape('port: fixed_ips not a list', { fixed_ips: '10.60.0.5' }),
    shape('port: fixed_ips address not an address', { fixed_ips: [{ ip_address: '10.60.0.300' }] }),
    shape('port: fixed_ips subnet_id not a UUID', { fixed_ips: [{ subnet_id: 'sub' }] }),
    post('port: fixed_ips address outside the subnet', 400, 'InvalidIpForSubnet', {
      fixed_ips: [{ subnet_id: f.subnet, ip_address: '10.99.0.5' }],
    }),
    post('port: fixed_ips network address', 400, 'InvalidIpForSubnet', {
      fixed_ips: [{ subnet_id: f.subnet, ip_address: '10.60.0.0' }],
    }),
    post('port: fixed_ips address on no subnet of the network', 400, 'InvalidIpForNetwork', {
      fixed_ips: [{ ip_address: '10.99.0.5' }],
    }),
    post('port: fixed_ips subnet of another network', 400, 'InvalidInput', {
      fixed_ips: [{ subnet_id: f.otherSubnet }],
    }),
    post('port: fixed_ips unknown subnet', 404, 'SubnetNotFound', { fixed_ips: [{ subnet_id: MISSING }] }),
    post('port: fixed_ips address taken', 409, 'IpAddressAlreadyAllocated', {
      fixed_ips: [{ subnet_id: f.subnet, ip_address: f.takenIp }],
    }),
    shape('port: security_groups not a list', { security_groups: MISSING }),
    post('port: unknown security group', 404, 'SecurityGroupNotFound', { security_groups: [MISSING] }),
    post('port: security groups without port security', 400, 'PortSecurityAndIPRequiredForSecurityGroups', {
      port_security_enabled: false,
      security_groups: [MISSING],
    }),
    shape('port: address pair with a bad address', { allowed_address_pairs: [{ ip_address: 'nope' }] }),
    post('port: address pair without an address', 400, 'AllowedAddressPairsMissingIP', {
      allowed_address_pairs: [{ mac_address: 'fa:16:3e:00:00:09' }],
    }),
    shape('port: extra_dhcp_opts not a list', { extra_dhcp_opts: { opt_name: 'mtu' } }),
    shape('port: admin_state_up not boolean', { admin_state_up: 'up' }),
    shape('port: unknown extension attribute qos_policy_id', { qos_policy_id: MISSING }, 'Unrecognized attribute'),
    shape('port: unknown extension attribute numa_affinity_policy', { numa_affinity_policy: 'legacy' }),
    shape('port: read-only status on create', { status: 'ACTIVE' }, "Attribute 'status' not allowed in POST"),
    post('port: binding:host_id by a member', 403, 'PolicyNotAuthorized', { 'binding:host_id': 'compute-1' }),
  ];
}

function updateCases(f: Fixture): BadCase[] {
  const put = (name: string, status: number, type: string, port: unknown, extra: Partial<BadCase> = {}) =>
    bad(name, status, type, 'PUT', `/ports/${f.port}`, { body: { port }, ...extra });
  return [
    put(
      'port update: read-only network_id',
      400,
      'HTTPBadRequest',
      { network_id: MISSING },
      {
        message: 'Cannot update read-only attribute network_id',
      },
    ),
    put('port update: read-only status', 400, 'HTTPBadRequest', { status: 'ACTIVE' }),
    put('port update: read-only id', 400, 'HTTPBadRequest', { id: MISSING }),
    put('port update: bad MAC', 400, 'HTTPBadRequest', { mac_address: 'fa:16:3e:zz:00:01' }),
    put('port update: unknown attribute', 400, 'HTTPBadRequest', { qos_policy_id: null }),
    put('port update: fixed_ips address taken', 409, 'IpAddressAlreadyAllocated', {
      fixed_ips: [{ subnet_id: f.subnet, ip_address: f.takenIp }],
    }),
    put('port update: fixed_ips address outside the subnet', 400, 'InvalidIpForSubnet', {
      fixed_ips: [{ subnet_id: f.subnet, ip_address: '10.61.0.9' }],
    }),
    put(
      'port update: If-Match mismatch',
      412,
      'RevisionNumberConstraintFailed',
      { name: 'x' },
      {
        headers: { 'if-match': 'revision_number=999' },
      },
    ),
    put('port update: bad If-Match', 400, 'HTTPBadRequest', { name: 'x' }, { headers: { 'if-match': 'rev=1' } }),
    bad("port: another project's port (show)", 404, 'PortNotFound', 'GET', `/ports/${f.othersPort}`),
    bad("port: another project's port (update)", 404, 'PortNotFound', 'PUT', `/ports/${f.othersPort}`, {
      body: { port: { name: 'mine' } },
    }),
    bad("port: another project's port (delete)", 404, 'PortNotFound', 'DELETE', `/ports/${f.othersPort}`),
    bad('port: delete with If-Match mismatch', 412, 'RevisionNumberConstraintFailed', 'DELETE', `/ports/${f.port}`, {
      headers: { 'if-match': 'revision_number=999' },
    }),
  ];
}

test('ports: bad requests answer Neutron 4xx bodies; failed creates and updates leave no address behind', async (t) => {
  const cloud = await startCloud(t);
  const alice = await createMember(cloud, 'bad-port-alice');
  const bob = await createMember(cloud, 'bad-port-bob');
  const l3 = l3Client(cloud);
  const mine = await l3.tenantNetwork(alice.token, '10.60.0.0/24');
  const second = await l3.tenantNetwork(alice.token, '10.61.0.0/24');
  const bobs = await l3.tenantNetwork(bob.token, '10.62.0.0/24');
  const taken = await l3.port(alice.token, mine.networkId);
  const port = await l3.port(alice.token, mine.networkId, { name: 'victim' });
  const othersPort = await l3.port(bob.token, bobs.networkId);
  const f: Fixture = {
    net: mine.networkId,
    subnet: mine.subnetId,
    otherSubnet: second.subnetId,
    othersPrivate: bobs.networkId,
    othersPort: othersPort.id,
    port: port.id,
    takenIp: taken.fixed_ips[0].ip_address,
    takenMac: taken.mac_address,
  };
  const portsBefore = await idsOf(cloud, cloud.adminToken, 'ports');
  const useBefore = await ipUse(cloud, mine.networkId);
  const show = async () => (await l3.net(alice.token, 'GET', `/ports/${port.id}`)).body.port;
  const portBefore = await show();

  await runBadCases(t, cloud, alice.token, [...createCases(f), ...updateCases(f)]);

  await t.test('bulk ports: a taken address in the second member creates neither', async () => {
    const res = await l3.net(alice.token, 'POST', '/ports', {
      ports: [
        { network_id: mine.networkId, fixed_ips: [{ ip_address: '10.60.0.77' }] },
        { network_id: mine.networkId, fixed_ips: [{ ip_address: f.takenIp }] },
      ],
    });
    assertNeutronError(res, 409, 'IpAddressAlreadyAllocated');
  });

  await t.test('bulk ports: a bad MAC in the second member creates neither', async () => {
    const res = await l3.net(alice.token, 'POST', '/ports', {
      ports: [{ network_id: mine.networkId }, { network_id: mine.networkId, mac_address: 'nope' }],
    });
    assertNeutronError(res, 400, 'HTTPBadRequest');
  });

  await t.test('bulk ports: a second member on a hidden network creates neither', async () => {
    const res = await l3.net(alice.token, 'POST', '/ports', {
      ports: [{ network_id: mine.networkId }, { network_id: bobs.networkId }],
    });
    assertNeutronError(res, 404, 'NetworkNotFound');
  });

  await t.test('port update: a new address plus a taken one keeps the old address and leaks neither', async () => {
    const res = await l3.net(alice.token, 'PUT', `/ports/${port.id}`, {
      port: {
        name: 'renamed',
        fixed_ips: [
          { subnet_id: mine.subnetId, ip_address: '10.60.0.88' },
          { subnet_id: mine.subnetId, ip_address: f.takenIp },
        ],
      },
    });
    assertNeutronError(res, 409, 'IpAddressAlreadyAllocated');
    const again = await l3.net(alice.token, 'PUT', `/ports/${port.id}`, {
      port: { fixed_ips: [{ subnet_id: second.subnetId }] },
    });
    assertNeutronError(again, 400, 'InvalidInput');
  });

  await t.test('nothing was written by any failed request', async () => {
    assert.deepEqual(await idsOf(cloud, cloud.adminToken, 'ports'), portsBefore);
    assert.deepEqual(await ipUse(cloud, mine.networkId), useBefore);
    assert.deepEqual(await show(), portBefore, "the victim port's name, addresses and revision are unchanged");
    const free = await l3.net(alice.token, 'POST', '/ports', {
      port: { network_id: mine.networkId, fixed_ips: [{ ip_address: '10.60.0.88' }] },
    });
    assert.equal(free.status, 201, `the address tried in the failed update is free: ${JSON.stringify(free.body)}`);
  });
});
