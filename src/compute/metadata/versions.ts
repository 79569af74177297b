/**
 * The metadata format versions a guest may ask for, oldest first. A guest names one in its path (or `latest`,
 * which is the newest); each newer version only adds files and fields, so a feature is "in" a version when that
 * version is not older than the one that introduced it.
 */
export const OPENSTACK_VERSIONS = [
  '2012-08-10',
  '2013-04-04',
  '2013-10-17',
  '2015-10-15',
  '2016-06-30',
  '2016-10-06',
  '2017-02-22',
  '2018-08-27',
  '2020-10-14',
] as const;

/** The EC2 metadata API versions Nova answers (the dates of Amazon's releases of the categories). */
export const EC2_VERSIONS = [
  '1.0',
  '2007-01-19',
  '2007-03-01',
  '2007-08-29',
  '2007-10-10',
  '2007-12-15',
  '2008-02-01',
  '2008-09-01',
  '2009-04-04',
] as const;

export type OpenStackVersion = (typeof OPENSTACK_VERSIONS)[number];
export type Ec2Version = (typeof EC2_VERSIONS)[number];

/** Whether `version` (a listed one or 'latest') has what `since` introduced. */
export function hasFeature<V extends string>(versions: readonly V[], version: V | 'latest', since: V): boolean {
  if (version === 'latest') return true;
  return versions.indexOf(version) >= versions.indexOf(since);
}
