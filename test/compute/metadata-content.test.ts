import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configDriveTree, serviceTree } from '../../src/compute/metadata/content.ts';
import { ec2IdOf } from '../../src/compute/metadata/ec2-content.ts';
import { netmaskOf, networkData } from '../../src/compute/metadata/network-data.ts';
import { fileBody, isDir, listing, lookup, type MetadataDir } from '../../src/compute/metadata/tree.ts';
import { EC2_VERSIONS, OPENSTACK_VERSIONS } from '../../src/compute/metadata/versions.ts';
import { metadataSpec } from './metadata-fixture.ts';

/** The text of a file or listing at `path`, as the metadata service would answer it; undefined for a 404. */
function answer(tree: MetadataDir, path: string): string | undefined {
  const node = lookup(tree, path);
  if (node === undefined) return undefined;
  if (isDir(node)) return listing(node);
  return Buffer.from(fileBody(node)).toString('utf8');
}
const json = (tree: MetadataDir, path: string) => JSON.parse(answer(tree, path) ?? 'null');

describe('metadata content (OpenStack layout)', () => {
  const tree = serviceTree({ spec: metadataSpec(), floatingIps: ['172.24.4.10'], password: 'enc' });

  test('the root lists the EC2 versions and latest; /openstack lists the OpenStack versions and latest', () => {
    assert.equal(answer(tree, '/'), [...EC2_VERSIONS, 'latest'].join('\n'));
    assert.equal(answer(tree, '/openstack'), [...OPENSTACK_VERSIONS, 'latest'].join('\n'));
    assert.equal(answer(tree, '/openstack/'), answer(tree, '/openstack'));
  });

  test('a version directory lists the files that version has', () => {
    assert.deepEqual(answer(tree, '/openstack/2012-08-10')?.split('\n'), ['meta_data.json', 'user_data']);
    assert.deepEqual(answer(tree, '/openstack/2013-04-04/')?.split('\n'), ['meta_data.json', 'user_data', 'password']);
    assert.deepEqual(answer(tree, '/openstack/latest')?.split('\n'), [
      'meta_data.json',
      'user_data',
      'password',
      'vendor_data.json',
      'network_data.json',
      'vendor_data2.json',
    ]);
    assert.equal(answer(tree, '/openstack/2015-10-15/vendor_data2.json'), undefined);
    assert.equal(answer(tree, '/openstack/1999-01-01/meta_data.json'), undefined);
  });

  test('meta_data.json at latest has every field, the key both ways, and no admin_pass', () => {
    const md = json(tree, '/openstack/latest/meta_data.json');
    assert.equal(md.uuid, '0b7c7f3e-5d7e-4c1e-9a53-1f2d3c4b5a69');
    assert.equal(md.name, 'VM One');
    assert.equal(md.hostname, 'vm-one.novalocal');
    assert.equal(md.launch_index, 2);
    assert.equal(md.availability_zone, 'zone-a');
    assert.equal(md.project_id, 'proj-1');
    assert.deepEqual(md.meta, { role: 'web' });
    assert.deepEqual(md.public_keys, { mykey: metadataSpec().injected.keyData });
    assert.deepEqual(md.keys, [{ name: 'mykey', type: 'ssh', data: metadataSpec().injected.keyData }]);
    assert.deepEqual(md.devices, []);
    assert.deepEqual(md.dedicated_cpus, []);
    assert.equal(Buffer.from(md.random_seed, 'base64').length, 512);
    assert.equal('admin_pass' in md, false);
  });

  test('older versions leave out what came later', () => {
    const folsom = json(tree, '/openstack/2012-08-10/meta_data.json');
    for (const key of ['random_seed', 'project_id', 'devices', 'dedicated_cpus'])
      assert.equal(key in folsom, false, key);
    const liberty = json(tree, '/openstack/2015-10-15/meta_data.json');
    assert.equal(liberty.project_id, 'proj-1');
    assert.equal('devices' in liberty, false);
    assert.equal('dedicated_cpus' in json(tree, '/openstack/2018-08-27/meta_data.json'), false);
  });

  test('user_data is the decoded bytes; without user data it is absent (404)', () => {
    assert.equal(answer(tree, '/openstack/latest/user_data'), '#!/bin/sh\necho hello\n');
    const none = serviceTree({ spec: metadataSpec({ injected: { ...metadataSpec().injected, userData: null } }) });
    assert.equal(answer(none, '/openstack/latest/user_data'), undefined);
    assert.equal(answer(none, '/latest/user-data'), undefined);
    assert.equal(answer(none, '/openstack/latest')?.split('\n').includes('user_data'), false);
  });

  test('vendor data is empty; the password file is what the guest posted', () => {
    assert.equal(answer(tree, '/openstack/latest/vendor_data.json'), '{}');
    assert.equal(answer(tree, '/openstack/latest/vendor_data2.json'), '{}');
    assert.equal(answer(tree, '/openstack/latest/password'), 'enc');
  });

  test('no key pair: neither public_keys nor keys', () => {
    const spec = metadataSpec();
    const keyless = serviceTree({ spec: { ...spec, injected: { ...spec.injected, keyName: null, keyData: null } } });
    const md = json(keyless, '/openstack/latest/meta_data.json');
    assert.equal('public_keys' in md, false);
    assert.equal('keys' in md, false);
    assert.equal(answer(keyless, '/latest/meta-data/public-keys/'), undefined);
  });

  test('a spec without guest facts shows the default zone and an empty project', () => {
    const md = json(serviceTree({ spec: metadataSpec({ guest: undefined }) }), '/openstack/latest/meta_data.json');
    assert.equal(md.availability_zone, 'nova');
    assert.equal(md.launch_index, 0);
    assert.equal(md.project_id, '');
  });
});

describe('network_data.json', () => {
  const spec = metadataSpec();

  test('DHCP (or an unknown subnet): a link per port and an ipv4_dhcp network on it', () => {
    const nd = networkData(spec.vifs, new Map());
    assert.deepEqual(nd.links, [
      {
        id: 'tap5e6f7a8b-9c',
        vif_id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
        type: 'bridge',
        mtu: 1450,
        ethernet_mac_address: 'fa:16:3e:00:00:01',
      },
    ]);
    assert.deepEqual(nd.networks, [{ id: 'network0', link: 'tap5e6f7a8b-9c', network_id: 'net-1', type: 'ipv4_dhcp' }]);
    assert.deepEqual(nd.services, []);
  });

  test('a subnet without DHCP: a static ipv4 network with netmask, routes and DNS', () => {
    const subnet = {
      id: 'subnet-1',
      cidr: '10.9.0.0/24',
      ip_version: 4,
      gateway_ip: '10.9.0.1',
      enable_dhcp: false,
      dns_nameservers: ['10.9.0.2'],
      host_routes: [{ destination: '192.168.0.0/16', nexthop: '10.9.0.254' }],
    };
    const nd = networkData(spec.vifs, new Map([['subnet-1', subnet]]));
    assert.deepEqual(nd.networks, [
      {
        id: 'network0',
        link: 'tap5e6f7a8b-9c',
        network_id: 'net-1',
        type: 'ipv4',
        ip_address: '10.9.0.5',
        netmask: '255.255.255.0',
        routes: [
          { network: '0.0.0.0', netmask: '0.0.0.0', gateway: '10.9.0.1' },
          { network: '192.168.0.0', netmask: '255.255.0.0', gateway: '10.9.0.254' },
        ],
        services: [{ type: 'dns', address: '10.9.0.2' }],
      },
    ]);
    assert.deepEqual(nd.services, [{ type: 'dns', address: '10.9.0.2' }]);
  });

  test('netmasks of both families', () => {
    const cases: [number, number, string][] = [
      [24, 4, '255.255.255.0'],
      [0, 4, '0.0.0.0'],
      [32, 4, '255.255.255.255'],
      [26, 4, '255.255.255.192'],
      [64, 6, 'ffff:ffff:ffff:ffff::'],
      [0, 6, '::'],
      [128, 6, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
      [112, 6, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:0'],
      [56, 6, 'ffff:ffff:ffff:ff00::'],
    ];
    for (const [prefix, version, mask] of cases)
      assert.equal(netmaskOf(prefix, version), mask, `/${prefix} v${version}`);
  });
});

describe('metadata content (EC2 layout)', () => {
  const tree = serviceTree({ spec: metadataSpec(), floatingIps: ['172.24.4.10'] });

  test('a version lists meta-data/ and user-data', () => {
    assert.equal(answer(tree, '/latest'), 'meta-data/\nuser-data');
    assert.equal(answer(tree, '/2009-04-04/'), 'meta-data/\nuser-data');
    assert.equal(answer(tree, '/latest/user-data'), '#!/bin/sh\necho hello\n');
  });

  test('meta-data at latest lists every category, subdirectories with a slash', () => {
    assert.deepEqual(answer(tree, '/latest/meta-data/')?.split('\n'), [
      'ami-id',
      'ami-launch-index',
      'ami-manifest-path',
      'block-device-mapping/',
      'hostname',
      'instance-action',
      'instance-id',
      'instance-type',
      'local-hostname',
      'local-ipv4',
      'placement/',
      'public-hostname',
      'public-ipv4',
      'public-keys/',
      'reservation-id',
      'security-groups',
    ]);
  });

  test('the values', () => {
    const cases: [string, string][] = [
      ['ami-id', 'ami-a1b2c3d4'],
      ['ami-launch-index', '2'],
      ['ami-manifest-path', 'FIXME'],
      ['block-device-mapping/', 'ami\nroot'],
      ['block-device-mapping/root', '/dev/vda'],
      ['block-device-mapping/ami', 'vda'],
      ['hostname', 'vm-one.novalocal'],
      ['local-hostname', 'vm-one.novalocal'],
      ['public-hostname', 'vm-one.novalocal'],
      ['instance-action', 'none'],
      ['instance-id', 'i-0b7c7f3e'],
      ['instance-type', 'm1.nano'],
      ['local-ipv4', '10.9.0.5'],
      ['public-ipv4', '172.24.4.10'],
      ['placement/', 'availability-zone'],
      ['placement/availability-zone', 'zone-a'],
      ['public-keys/', '0=mykey'],
      ['public-keys/0', 'openssh-key'],
      ['public-keys/0/openssh-key', metadataSpec().injected.keyData ?? ''],
      ['reservation-id', 'r-abc12345'],
      ['security-groups', 'default\nweb'],
    ];
    for (const [path, value] of cases) assert.equal(answer(tree, `/latest/meta-data/${path}`), value, path);
  });

  test('1.0 has only the first categories', () => {
    assert.deepEqual(answer(tree, '/1.0/meta-data')?.split('\n'), [
      'ami-id',
      'ami-launch-index',
      'ami-manifest-path',
      'hostname',
      'instance-id',
      'local-ipv4',
      'public-keys/',
      'reservation-id',
      'security-groups',
    ]);
  });

  test('ephemeral and swap disks follow the root disk; kernel and ramdisk ids appear when set', () => {
    const base = metadataSpec();
    const spec = metadataSpec({
      flavor: { ...base.flavor, ephemeral_gb: 1, swap: 512 },
      guest: { ...(base.guest ?? ({} as never)), kernel_id: 'b2c3d4e5-aaaa', ramdisk_id: 'c3d4e5f6-bbbb' },
    });
    const t = serviceTree({ spec });
    assert.equal(answer(t, '/latest/meta-data/block-device-mapping/'), 'ami\nephemeral0\nroot\nswap');
    assert.equal(answer(t, '/latest/meta-data/block-device-mapping/ephemeral0'), 'vdb');
    assert.equal(answer(t, '/latest/meta-data/block-device-mapping/swap'), 'vdc');
    assert.equal(answer(t, '/latest/meta-data/kernel-id'), 'aki-b2c3d4e5');
    assert.equal(answer(t, '/latest/meta-data/ramdisk-id'), 'ari-c3d4e5f6');
  });

  test('ids of what is not a uuid are still eight hex digits', () => {
    assert.match(ec2IdOf('ami', ''), /^ami-[0-9a-f]{8}$/);
    assert.match(ec2IdOf('ami', 'not-a-uuid'), /^ami-[0-9a-f]{8}$/);
  });
});

describe('config drive tree', () => {
  const tree = configDriveTree({ spec: metadataSpec() });

  test('openstack/<version> and ec2/<version> for every version and latest, with admin_pass and no password', () => {
    assert.deepEqual([...(lookup(tree, 'openstack') as MetadataDir).entries.keys()], [...OPENSTACK_VERSIONS, 'latest']);
    assert.deepEqual([...(lookup(tree, 'ec2') as MetadataDir).entries.keys()], [...EC2_VERSIONS, 'latest']);
    assert.equal(json(tree, 'openstack/latest/meta_data.json').admin_pass, 'secret-pass');
    assert.equal(answer(tree, 'openstack/latest/password'), undefined);
    assert.equal(answer(tree, 'openstack/latest/user_data'), '#!/bin/sh\necho hello\n');
    assert.equal(answer(tree, 'ec2/latest/user-data'), '#!/bin/sh\necho hello\n');
  });

  test('ec2/<version>/meta-data.json is the meta-data directory as one object', () => {
    const md = json(tree, 'ec2/latest/meta-data.json');
    assert.equal(md['instance-id'], 'i-0b7c7f3e');
    assert.deepEqual(md.placement, { 'availability-zone': 'zone-a' });
    assert.deepEqual(md['public-keys'], { 0: { _name: '0=mykey', 'openssh-key': metadataSpec().injected.keyData } });
    assert.deepEqual(md['security-groups'], ['default', 'web']);
  });
});
