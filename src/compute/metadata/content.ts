import { randomBytes } from 'node:crypto';
import { ec2MetadataDir } from './ec2-content.ts';
import { hostnameOf, type MetadataInput, type ShownFacts, shownFactsOf, userDataOf } from './input.ts';
import { networkData } from './network-data.ts';
import { dir, type MetadataDir, type MetadataNode, toJsonValue } from './tree.ts';
import { EC2_VERSIONS, hasFeature, OPENSTACK_VERSIONS, type OpenStackVersion } from './versions.ts';

/**
 * What differs between the two ways a guest reads its metadata: the config drive carries `admin_pass` and no
 * `password` file (that one is the guest's to POST), the metadata service the reverse.
 */
export type MetadataTarget = 'service' | 'config-drive';

/** Context shared by every version's files: one random seed for the whole tree, as one boot sees one. */
interface BuildContext {
  input: MetadataInput;
  target: MetadataTarget;
  facts: ShownFacts;
  randomSeed: string;
  userData: Uint8Array | undefined;
}

/** meta_data.json of one OpenStack version. */
function metaDataJson(ctx: BuildContext, version: OpenStackVersion | 'latest'): Record<string, unknown> {
  const { spec } = ctx.input;
  const { injected } = spec;
  const has = (since: OpenStackVersion) => hasFeature(OPENSTACK_VERSIONS, version, since);
  const md: Record<string, unknown> = { uuid: spec.uuid, meta: { ...injected.metadata } };
  if (ctx.target === 'config-drive' && injected.adminPass) md.admin_pass = injected.adminPass;
  if (injected.keyName && injected.keyData) {
    md.public_keys = { [injected.keyName]: injected.keyData };
    md.keys = [{ name: injected.keyName, type: 'ssh', data: injected.keyData }];
  }
  md.hostname = hostnameOf(spec);
  md.name = spec.name;
  md.launch_index = ctx.facts.launch_index;
  md.availability_zone = ctx.facts.availability_zone;
  if (has('2013-04-04')) md.random_seed = ctx.randomSeed;
  if (has('2015-10-15')) md.project_id = ctx.facts.project_id;
  // Device role tags (2016-06-30) and pinned CPUs (2020-10-14): Strata tags no devices and pins no CPUs yet.
  if (has('2016-06-30')) md.devices = [];
  if (has('2020-10-14')) md.dedicated_cpus = [];
  return md;
}

function openStackVersionDir(ctx: BuildContext, version: OpenStackVersion | 'latest'): MetadataDir {
  const has = (since: OpenStackVersion) => hasFeature(OPENSTACK_VERSIONS, version, since);
  const json = (value: unknown) => JSON.stringify(value);
  return dir([
    ['meta_data.json', json(metaDataJson(ctx, version))],
    ['user_data', ctx.userData],
    ['password', ctx.target === 'service' && has('2013-04-04') ? (ctx.input.password ?? '') : undefined],
    // Nova's vendor data comes from deployer plugins; Strata has none, so both files are empty objects.
    ['vendor_data.json', has('2013-10-17') ? '{}' : undefined],
    [
      'network_data.json',
      has('2015-10-15') ? json(networkData(ctx.input.spec.vifs, ctx.input.subnets ?? new Map())) : undefined,
    ],
    ['vendor_data2.json', has('2016-10-06') ? '{}' : undefined],
  ]);
}

function contextOf(input: MetadataInput, target: MetadataTarget): BuildContext {
  return {
    input,
    target,
    facts: shownFactsOf(input),
    randomSeed: randomBytes(512).toString('base64'),
    userData: userDataOf(input.spec),
  };
}

const withLatest = <V extends string>(versions: readonly V[]): (V | 'latest')[] => [...versions, 'latest'];

/** `openstack/`: one directory per format version and `latest`. */
function openStackDir(ctx: BuildContext): MetadataDir {
  return dir(
    withLatest(OPENSTACK_VERSIONS).map((v) => [v, openStackVersionDir(ctx, v)] as const),
    { plainNames: true },
  );
}

/** One EC2 version: `meta-data/` and `user-data` (absent without user data). */
function ec2VersionDir(ctx: BuildContext, version: (typeof EC2_VERSIONS)[number] | 'latest'): MetadataDir {
  return dir([
    ['meta-data', ec2MetadataDir(ctx.input, ctx.facts, version)],
    ['user-data', ctx.userData],
  ]);
}

/**
 * The tree the metadata service answers from: the EC2 versions and `latest` at the root (what `/` lists),
 * and `openstack/` beside them (resolved, but not in the root's listing, as Nova answers).
 */
export function serviceTree(input: MetadataInput): MetadataDir {
  const ctx = contextOf(input, 'service');
  const ec2: [string, MetadataNode][] = withLatest(EC2_VERSIONS).map((v) => [v, ec2VersionDir(ctx, v)]);
  return dir([...ec2, ['openstack', openStackDir(ctx)]], { unlisted: ['openstack'], plainNames: true });
}

/**
 * The files of a config drive: `openstack/<version>/...` as the service has them (with admin_pass, without the
 * password file), and `ec2/<version>/meta-data.json` (the meta-data directory as one JSON object) + `user-data`.
 */
export function configDriveTree(input: MetadataInput): MetadataDir {
  const ctx = contextOf(input, 'config-drive');
  const ec2 = withLatest(EC2_VERSIONS).map(
    (v) =>
      [
        v,
        dir([
          ['meta-data.json', JSON.stringify(toJsonValue(ec2MetadataDir(ctx.input, ctx.facts, v)))],
          ['user-data', ctx.userData],
        ]),
      ] as const,
  );
  return dir([
    ['ec2', dir(ec2)],
    ['openstack', openStackDir(ctx)],
  ]);
}
