import { createHash } from 'node:crypto';
import { hostnameOf, type MetadataInput, type ShownFacts } from './input.ts';
import { dir, type MetadataDir, type MetadataNode } from './tree.ts';
import { EC2_VERSIONS, type Ec2Version, hasFeature } from './versions.ts';

/**
 * An EC2-style id (`i-`, `ami-`, `aki-`, `ari-` and eight hex digits). Nova maps its database ids; Strata has
 * only uuids, so the id is the uuid's first eight hex digits (the same as the instance name's suffix), or a hash
 * of what is not a uuid.
 */
export function ec2IdOf(prefix: string, id: string): string {
  const hex = id.replaceAll('-', '').toLowerCase();
  const digits = /^[0-9a-f]{8}/.test(hex) ? hex.slice(0, 8) : createHash('sha1').update(id).digest('hex').slice(0, 8);
  return `${prefix}-${digits}`;
}

/** Device names as the guest sees them: the root disk, then the flavor's ephemeral disk, then swap. */
function blockDeviceMapping(input: MetadataInput, facts: ShownFacts): MetadataDir {
  const root = facts.root_device_name || '/dev/vda';
  const base = root.replace(/^\/dev\//, '');
  const prefix = base.replace(/[a-z]$/, '');
  let letter = base.charCodeAt(base.length - 1);
  const next = () => `${prefix}${String.fromCharCode(++letter)}`;
  const { flavor } = input.spec;
  return dir([
    ['ami', base],
    ['ephemeral0', flavor.ephemeral_gb > 0 ? next() : undefined],
    ['root', root],
    ['swap', flavor.swap > 0 ? next() : undefined],
  ]);
}

/** The first fixed IPv4 address of the first port that has one (EC2 local-ipv4). */
function localIpv4(input: MetadataInput): string {
  for (const vif of input.spec.vifs)
    for (const ip of vif.fixed_ips) if (ip.version === 4 || !ip.ip_address.includes(':')) return ip.ip_address;
  return '';
}

/**
 * `<version>/meta-data/` of the EC2-compatible API: the categories Nova serves, each from the EC2 version that
 * introduced it, in the sorted order a listing shows.
 */
export function ec2MetadataDir(input: MetadataInput, facts: ShownFacts, version: Ec2Version | 'latest'): MetadataDir {
  const has = (since: Ec2Version) => hasFeature(EC2_VERSIONS, version, since);
  const { spec } = input;
  const hostname = hostnameOf(spec);
  const { keyName, keyData } = spec.injected;
  const entries: [string, MetadataNode | undefined][] = [
    ['ami-id', ec2IdOf('ami', spec.image.id)],
    ['ami-launch-index', String(facts.launch_index)],
    // Nova's literal answer: there is no manifest for an image that was never an S3 bundle.
    ['ami-manifest-path', 'FIXME'],
    ['block-device-mapping', has('2007-12-15') ? blockDeviceMapping(input, facts) : undefined],
    ['hostname', hostname],
    ['instance-action', has('2008-09-01') ? 'none' : undefined],
    ['instance-id', ec2IdOf('i', spec.uuid)],
    ['instance-type', has('2007-08-29') ? spec.flavor.name : undefined],
    ['kernel-id', has('2008-02-01') && facts.kernel_id ? ec2IdOf('aki', facts.kernel_id) : undefined],
    ['local-hostname', has('2007-01-19') ? hostname : undefined],
    ['local-ipv4', localIpv4(input)],
    ['placement', has('2008-02-01') ? dir([['availability-zone', facts.availability_zone]]) : undefined],
    ['public-hostname', has('2007-01-19') ? hostname : undefined],
    ['public-ipv4', has('2007-01-19') ? (input.floatingIps?.[0] ?? '') : undefined],
    [
      'public-keys',
      keyName && keyData ? dir([['0', dir([['openssh-key', keyData]], { label: `0=${keyName}` })]]) : undefined,
    ],
    ['ramdisk-id', has('2008-02-01') && facts.ramdisk_id ? ec2IdOf('ari', facts.ramdisk_id) : undefined],
    ['reservation-id', facts.reservation_id],
    ['security-groups', facts.security_groups],
  ];
  return dir(entries);
}
