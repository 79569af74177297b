import type { TestCloud } from '../helpers/cloud.ts';

/** One Compute API call at an optional microversion: nova(token, 'GET', '/flavors', undefined, '2.55'). */
export function novaCaller(cloud: () => TestCloud) {
  return (token: string, method: string, path: string, body?: unknown, mv?: string) =>
    cloud().call(method, `/compute/v2.1${path}`, {
      token,
      body,
      headers: mv ? { 'openstack-api-version': `compute ${mv}` } : {},
    });
}
