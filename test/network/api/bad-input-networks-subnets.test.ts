import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';
import { createMember } from '../../identity/member-fixture.ts';
import { assertNeutronError, type BadCase, bad, idsOf, MISSING, runBadCases } from '../bad-input-cases.ts';
import { l3Client } from '../l3-fixture.ts';

/** Request shape: Neutron's BodyValidationHook and prepare_request_body, on the networks collection. */
function shapeCases(): BadCase[] {
  const raw = (name: string, text: string) => bad(name, 400, 'HTTPBadRequest', 'POST', '/networks', { raw: text });
  const post = (name: string, body: unknown, message?: string) =>
    bad(name, 400, 'HTTPBadRequest', 'POST', '/networks', { body, message });
  return [
    raw('body: malformed JSON', '{"network": {'),
    raw('body: a JSON array', '[{"network": {}}]'),
    raw('body: a JSON string', '"network"'),
    post('body: no resource member', {}),
    post('body: wrong resource member', { port: { name: 'x' } }),
    post('body: member is a string', { network: 'n' }),
    post('body: member is a list', { network: [{ name: 'n' }] }),
    post('body: empty bulk list', { networks: [] }, 'Resources required'),
    post('body: bulk item not an object', { networks: [{ name: 'a' }, 7] }),
  ];
}

function networkCases(own: string, othersPrivate: string, inUse: string): BadCase[] {
  const post = (name: string, network: unknown, message?: string) =>
    bad(name, 400, 'HTTPBadRequest', 'POST', '/networks', { body: { network }, message });
  const put = (name: string, network: unknown, message?: string) =>
    bad(name, 400, 'HTTPBadRequest', 'PUT', `/networks/${own}`, { body: { network }, message });
  return [
    post('network: name not a string', { name: 7 }),
    post('network: name over 255', { name: 'n'.repeat(256) }),
    post('network: admin_state_up not boolean', { admin_state_up: 'maybe' }),
    post('network: unknown extension attribute qos_policy_id', { qos_policy_id: MISSING }, 'Unrecognized attribute'),
    post('network: unknown attribute', { colour: 'red' }, "Unrecognized attribute(s) 'colour'"),
    post('network: read-only status on create', { status: 'DOWN' }, "Attribute 'status' not allowed in POST"),
    post('network: read-only id on create', { id: MISSING }, "Attribute 'id' not allowed in POST"),
    post('network: negative mtu', { mtu: -1 }),
    post('network: availability_zone_hints not a list', { availability_zone_hints: 'nova' }),
    post('network: tenant_id and project_id disagree', { tenant_id: 'a', project_id: 'b' }),
    bad('network: provider attributes by a member', 403, 'PolicyNotAuthorized', 'POST', '/networks', {
      body: { network: { 'provider:network_type': 'vlan' } },
    }),
    put('network update: read-only status', { status: 'DOWN' }, 'Cannot update read-only attribute status'),
    put('network update: read-only id', { id: MISSING }, 'Cannot update read-only attribute id'),
    put('network update: unknown attribute', { qos_policy_id: null }, 'Unrecognized attribute'),
    put('network update: shared not boolean', { shared: 'sometimes' }),
    bad('network update: bulk body', 400, 'HTTPBadRequest', 'PUT', `/networks/${own}`, {
      body: { networks: [{ name: 'x' }] },
    }),
    bad('network update: If-Match mismatch', 412, 'RevisionNumberConstraintFailed', 'PUT', `/networks/${own}`, {
      body: { network: { name: 'x' } },
      headers: { 'if-match': 'revision_number=999' },
    }),
    bad('network delete: If-Match mismatch', 412, 'RevisionNumberConstraintFailed', 'DELETE', `/networks/${own}`, {
      headers: { 'if-match': 'revision_number=999' },
    }),
    bad(
      "network: another project's private network (show)",
      404,
      'NetworkNotFound',
      'GET',
      `/networks/${othersPrivate}`,
    ),
    bad(
      "network: another project's private network (update)",
      404,
      'NetworkNotFound',
      'PUT',
      `/networks/${othersPrivate}`,
      {
        body: { network: { name: 'mine now' } },
      },
    ),
    bad(
      "network: another project's private network (delete)",
      404,
      'NetworkNotFound',
      'DELETE',
      `/networks/${othersPrivate}`,
    ),
    bad('network: id not a UUID', 404, 'NetworkNotFound', 'GET', '/networks/not-a-uuid'),
    bad('network: delete one with a port', 409, 'NetworkInUse', 'DELETE', `/networks/${inUse}`),
  ];
}

function subnetCases(own: string, othersPrivate: string, ownSubnet: string): BadCase[] {
  const post = (name: string, status: number, type: string, subnet: Record<string, unknown>, message?: string) =>
    bad(name, status, type, 'POST', '/subnets', { body: { subnet: { network_id: own, ...subnet } }, message });
  const put = (name: string, status: number, type: string, subnet: unknown, message?: string) =>
    bad(name, status, type, 'PUT', `/subnets/${ownSubnet}`, { body: { subnet }, message });
  return [
    post('subnet: cidr not a CIDR', 400, 'HTTPBadRequest', { ip_version: 4, cidr: 'ten.0.0.0/24' }),
    post('subnet: cidr with host bits', 400, 'HTTPBadRequest', { ip_version: 4, cidr: '10.30.0.5/24' }),
    post('subnet: ip_version 5', 400, 'HTTPBadRequest', { ip_version: 5, cidr: '10.30.0.0/24' }),
    post('subnet: ip_version disagrees with cidr', 400, 'InvalidInput', { ip_version: 6, cidr: '10.30.0.0/24' }),
    post('subnet: no network_id', 400, 'HTTPBadRequest', {
      network_id: undefined,
      ip_version: 4,
      cidr: '10.30.0.0/24',
    }),
    post('subnet: unknown network', 404, 'NetworkNotFound', {
      network_id: MISSING,
      ip_version: 4,
      cidr: '10.30.0.0/24',
    }),
    post('subnet: gateway is the network address', 400, 'InvalidInput', {
      ip_version: 4,
      cidr: '10.30.0.0/24',
      gateway_ip: '10.30.0.0',
    }),
    post('subnet: gateway is the broadcast address', 400, 'InvalidInput', {
      ip_version: 4,
      cidr: '10.30.0.0/24',
      gateway_ip: '10.30.0.255',
    }),
    post('subnet: gateway of the other IP version', 400, 'InvalidInput', {
      ip_version: 4,
      cidr: '10.30.0.0/24',
      gateway_ip: 'fd00::1',
    }),
    post('subnet: gateway not an address', 400, 'HTTPBadRequest', {
      ip_version: 4,
      cidr: '10.30.0.0/24',
      gateway_ip: '10.30.0.300',
    }),
    post('subnet: overlaps a subnet of the same network', 400, 'InvalidInput', {
      ip_version: 4,
      cidr: '10.20.0.64/26',
    }),
    post('subnet: pool outside the cidr', 400, 'OutOfBoundsAllocationPool', {
      ip_version: 4,
      cidr: '10.31.0.0/24',
      allocation_pools: [{ start: '10.32.0.10', end: '10.32.0.20' }],
    }),
    post('subnet: pool start after end', 400, 'InvalidAllocationPool', {
      ip_version: 4,
      cidr: '10.31.0.0/24',
      allocation_pools: [{ start: '10.31.0.20', end: '10.31.0.10' }],
    }),
    post('subnet: overlapping pools', 400, 'OverlappingAllocationPools', {
      ip_version: 4,
      cidr: '10.31.0.0/24',
      allocation_pools: [
        { start: '10.31.0.10', end: '10.31.0.20' },
        { start: '10.31.0.15', end: '10.31.0.30' },
      ],
    }),
    post('subnet: duplicate dns_nameservers', 400, 'HTTPBadRequest', {
      ip_version: 4,
      cidr: '10.31.0.0/24',
      dns_nameservers: ['8.8.8.8', '8.8.8.8'],
    }),
    post('subnet: ipv6 modes on an IPv4 subnet', 400, 'InvalidInput', {
      ip_version: 4,
      cidr: '10.31.0.0/24',
      ipv6_ra_mode: 'slaac',
    }),
    post('subnet: unknown extension attribute qos_policy_id', 400, 'HTTPBadRequest', {
      ip_version: 4,
      cidr: '10.31.0.0/24',
      qos_policy_id: MISSING,
    }),
    post("subnet: on another project's private network", 404, 'NetworkNotFound', {
      network_id: othersPrivate,
      ip_version: 4,
      cidr: '10.33.0.0/24',
    }),
    put('subnet update: read-only cidr', 400, 'HTTPBadRequest', { cidr: '10.40.0.0/24' }, 'Cannot update read-only'),
    put('subnet update: read-only network_id', 400, 'HTTPBadRequest', { network_id: MISSING }),
    put('subnet update: gateway is the broadcast address', 400, 'InvalidInput', { gateway_ip: '10.21.0.255' }),
    put('subnet update: enable_dhcp not boolean', 400, 'HTTPBadRequest', { enable_dhcp: 'perhaps' }),
    bad('subnet: delete one with a port', 409, 'SubnetInUse', 'DELETE', `/subnets/${ownSubnet}`),
  ];
}

/** GET /v2.0/<collection> with bad query parameters (filter-validation, sorting, pagination). */
function listCases(): BadCase[] {
  const get = (name: string, query: string, status = 400, type = 'HTTPBadRequest') =>
    bad(name, status, type, 'GET', query);
  return [
    get('list: unknown filter', '/networks?colour=red'),
    get('list: filter on an unknown extension attribute', '/ports?qos_policy_id=x'),
    get('list: boolean filter not boolean', '/networks?admin_state_up=perhaps'),
    get('list: sort by an unknown key', '/networks?sort_key=colour'),
    get('list: bad sort direction', '/subnets?sort_key=name&sort_dir=sideways'),
    get('list: more sort_dirs than sort_keys', '/networks?sort_key=name&sort_dir=asc&sort_dir=desc'),
    get('list: limit not a number', '/networks?limit=ten'),
    get('list: negative limit', '/ports?limit=-1'),
    get('list: unknown marker', `/networks?limit=1&marker=${MISSING}`, 404, 'NetworkNotFound'),
    get('list: bad changed_since', '/networks?changed_since=yesterday'),
  ];
}

test('networks and subnets: bad requests answer Neutron 4xx bodies and write nothing', async (t) => {
  const cloud = await startCloud(t);
  const alice = await createMember(cloud, 'bad-net-alice');
  const bob = await createMember(cloud, 'bad-net-bob');
  const l3 = l3Client(cloud);
  const own = await l3.tenantNetwork(alice.token, '10.20.0.0/25');
  const busy = await l3.tenantNetwork(alice.token, '10.21.0.0/24');
  await l3.port(alice.token, busy.networkId);
  const bobs = await l3.tenantNetwork(bob.token, '10.50.0.0/24');

  const networksBefore = await idsOf(cloud, cloud.adminToken, 'networks');
  const subnetsBefore = await idsOf(cloud, cloud.adminToken, 'subnets');
  const showOwn = () => cloud.call('GET', `/networking/v2.0/networks/${own.networkId}`, { token: alice.token });
  const ownBefore = (await showOwn()).body.network;
  await runBadCases(t, cloud, alice.token, [
    ...shapeCases(),
    ...networkCases(own.networkId, bobs.networkId, busy.networkId),
    ...subnetCases(own.networkId, bobs.networkId, busy.subnetId),
    ...listCases(),
  ]);

  await t.test('bulk networks: a bad second member creates neither', async () => {
    const res = await cloud.call('POST', '/networking/v2.0/networks', {
      token: alice.token,
      body: { networks: [{ name: 'good' }, { name: 'bad', admin_state_up: 'maybe' }] },
    });
    assertNeutronError(res, 400, 'HTTPBadRequest');
    const denied = await cloud.call('POST', '/networking/v2.0/networks', {
      token: alice.token,
      body: { networks: [{ name: 'good' }, { name: 'shared', shared: true }] },
    });
    assertNeutronError(denied, 403, 'PolicyNotAuthorized');
  });

  await t.test('bulk subnets: an overlapping second member creates neither', async () => {
    const res = await cloud.call('POST', '/networking/v2.0/subnets', {
      token: alice.token,
      body: {
        subnets: [
          { network_id: own.networkId, ip_version: 4, cidr: '10.22.0.0/24' },
          { network_id: own.networkId, ip_version: 4, cidr: '10.22.0.0/25' },
        ],
      },
    });
    assertNeutronError(res, 400, 'InvalidInput');
  });

  await t.test('nothing was written by any failed request', async () => {
    assert.deepEqual(await idsOf(cloud, cloud.adminToken, 'networks'), networksBefore);
    assert.deepEqual(await idsOf(cloud, cloud.adminToken, 'subnets'), subnetsBefore);
    assert.deepEqual((await showOwn()).body.network, ownBefore, 'failed updates left the network as it was');
  });

  await t.test('a gateway outside the subnet is on-link, as Neutron allows', async () => {
    const res = await cloud.call('POST', '/networking/v2.0/subnets', {
      token: alice.token,
      body: { subnet: { network_id: bobs.networkId, ip_version: 4, cidr: '10.51.0.0/24', gateway_ip: '10.99.0.1' } },
    });
    assertNeutronError(res, 404, 'NetworkNotFound');
    const mine = await cloud.call('POST', '/networking/v2.0/subnets', {
      token: bob.token,
      body: { subnet: { network_id: bobs.networkId, ip_version: 4, cidr: '10.51.0.0/24', gateway_ip: '10.99.0.1' } },
    });
    assert.equal(mine.status, 201, JSON.stringify(mine.body));
    assert.equal(mine.body.subnet.gateway_ip, '10.99.0.1');
  });
});
