import type { InstanceRow } from '../../src/compute/tables.ts';
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

/** A server row as the API writes it: an active server `vm` on host-1, created now (tests override the rest). */
export function instanceRow(row: Partial<InstanceRow> & Pick<InstanceRow, 'uuid' | 'project_id'>): InstanceRow {
  const now = new Date().toISOString();
  return {
    user_id: 'user',
    display_name: 'vm',
    display_description: null,
    hostname: 'vm',
    image_ref: '',
    flavor: '{}',
    old_flavor: null,
    vm_state: 'active',
    task_state: null,
    power_state: 1,
    host: 'host-1',
    node: 'host-1',
    availability_zone: 'nova',
    launched_at: now,
    terminated_at: null,
    locked: 0,
    locked_by: null,
    locked_reason: null,
    key_name: null,
    key_data: null,
    user_data: null,
    config_drive: '',
    access_ip_v4: null,
    access_ip_v6: null,
    reservation_id: 'r-test',
    launch_index: 0,
    kernel_id: '',
    ramdisk_id: '',
    root_device_name: null,
    disk_config: 'MANUAL',
    info_cache: '[]',
    fault: null,
    progress: 0,
    created_at: now,
    updated_at: null,
    deleted_at: null,
    deleted: 0,
    ...row,
  };
}
