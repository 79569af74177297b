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

/** Waits until the in-process agent of `host` has reported (its nova-compute service is listed and up). */
export async function waitForComputeHost(cloud: TestCloud, host?: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await cloud.call('GET', '/compute/v2.1/os-services?binary=nova-compute', { token: cloud.adminToken });
    const up = (res.body?.services ?? []).find(
      (s: { host: string; state: string }) => s.state === 'up' && (host === undefined || s.host === host),
    );
    if (up) return up.host;
    if (Date.now() > deadline) throw new Error(`no compute host reported: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
