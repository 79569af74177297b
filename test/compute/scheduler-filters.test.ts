import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestSpec } from '../../src/compute/clients/types.ts';
import { availabilityZoneFilter } from '../../src/compute/filters/availability-zone-filter.ts';
import { computeCapabilitiesFilter, matchesExtraSpec } from '../../src/compute/filters/compute-capabilities-filter.ts';
import { computeFilter } from '../../src/compute/filters/compute-filter.ts';
import { differentHostFilter, hintUuids, sameHostFilter } from '../../src/compute/filters/host-hint-filters.ts';
import type { FilterRequest, HostState } from '../../src/compute/filters/host-state.ts';
import { imagePropertiesFilter } from '../../src/compute/filters/image-properties-filter.ts';
import { ignoreHostsFilter, requestedHostFilter } from '../../src/compute/filters/requested-host-filter.ts';
import {
  serverGroupAffinityFilter,
  serverGroupAntiAffinityFilter,
} from '../../src/compute/filters/server-group-filters.ts';
import { filterHosts, resourcesOf } from '../../src/compute/scheduler.ts';
import { normalize, weighHosts } from '../../src/compute/weighers.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function host(name: string, over: Partial<HostState> = {}): HostState {
  return {
    host: name,
    node: name,
    uuid: `uuid-${name}`,
    service: { disabled: 0, forced_down: 0, last_seen_up: new Date(NOW - 5000).toISOString() },
    availabilityZone: 'nova',
    aggregateMetadata: {},
    hypervisorType: 'QEMU',
    hypervisorVersion: 8000000,
    cpuInfo: { arch: 'x86_64' },
    vcpus: 8,
    memoryMb: 16384,
    freeRamMb: 8192,
    freeDiskGb: 100,
    groupMembers: 0,
    ...over,
  };
}

function spec(over: Partial<RequestSpec> = {}): RequestSpec {
  return {
    instance_uuid: 'i-1',
    project_id: 'p',
    user_id: 'u',
    flavor: {
      id: '1',
      name: 'm1.tiny',
      vcpus: 1,
      memory_mb: 512,
      root_gb: 1,
      ephemeral_gb: 0,
      swap: 0,
      extra_specs: {},
    },
    image: { id: 'img', properties: {} },
    availability_zone: null,
    scheduler_hints: {},
    networks: { requested: [], securityGroupIds: [] },
    ignore_hosts: [],
    num_attempts: 0,
    ...over,
  };
}

const req = (s: Partial<RequestSpec> = {}, groupHosts: string[] = []): FilterRequest => ({
  spec: spec(s),
  serviceDownTime: 60,
  now: NOW,
  groupHosts: new Set(groupHosts),
});

test('resources: disk is root + ephemeral + swap in GiB rounded up', () => {
  const f = spec().flavor;
  assert.deepEqual(resourcesOf({ ...f, root_gb: 10, ephemeral_gb: 5, swap: 1500 }), {
    VCPU: 1,
    MEMORY_MB: 512,
    DISK_GB: 17,
  });
});

test('ComputeFilter: enabled and up only', () => {
  assert.equal(computeFilter.passes(host('a'), req()), true);
  assert.equal(computeFilter.passes(host('a', { service: undefined }), req()), false);
  const s = host('a').service!;
  assert.equal(computeFilter.passes(host('a', { service: { ...s, disabled: 1 } }), req()), false);
  assert.equal(computeFilter.passes(host('a', { service: { ...s, forced_down: 1 } }), req()), false);
  const stale = new Date(NOW - 61000).toISOString();
  assert.equal(computeFilter.passes(host('a', { service: { ...s, last_seen_up: stale } }), req()), false);
});

test('AvailabilityZoneFilter: a zone asked for, or any', () => {
  assert.equal(availabilityZoneFilter.passes(host('a'), req()), true);
  assert.equal(availabilityZoneFilter.passes(host('a'), req({ availability_zone: 'nova' })), true);
  assert.equal(availabilityZoneFilter.passes(host('a'), req({ availability_zone: 'az2' })), false);
  assert.equal(
    availabilityZoneFilter.passes(host('a', { availabilityZone: 'az2' }), req({ availability_zone: 'az2' })),
    true,
  );
});

test('requested host and node, ignored hosts', () => {
  assert.equal(requestedHostFilter.passes(host('a'), req({ requested_host: 'a' })), true);
  assert.equal(requestedHostFilter.passes(host('b'), req({ requested_host: 'a' })), false);
  assert.equal(requestedHostFilter.passes(host('a'), req({ requested_node: 'x' })), false);
  assert.equal(ignoreHostsFilter.passes(host('a'), req({ ignore_hosts: ['a'] })), false);
  assert.equal(ignoreHostsFilter.passes(host('b'), req({ ignore_hosts: ['a'] })), true);
});

test('ImagePropertiesFilter: architecture, hypervisor type, vm mode', () => {
  const withProps = (properties: Record<string, unknown>) => req({ image: { id: 'i', properties } });
  assert.equal(imagePropertiesFilter.passes(host('a'), withProps({})), true);
  assert.equal(imagePropertiesFilter.passes(host('a'), withProps({ hw_architecture: 'x86_64' })), true);
  assert.equal(imagePropertiesFilter.passes(host('a'), withProps({ hw_architecture: 'aarch64' })), false);
  assert.equal(imagePropertiesFilter.passes(host('a'), withProps({ img_hv_type: 'kvm' })), true);
  assert.equal(imagePropertiesFilter.passes(host('a'), withProps({ img_hv_type: 'xen' })), false);
  assert.equal(imagePropertiesFilter.passes(host('a'), withProps({ hw_vm_mode: 'xen' })), false);
  assert.equal(
    imagePropertiesFilter.passes(host('a', { hypervisorType: 'fake' }), withProps({ img_hv_type: 'xen' })),
    true,
  );
});

test('ComputeCapabilitiesFilter and extra spec operators', () => {
  const withSpecs = (extra_specs: Record<string, string>) => req({ flavor: { ...spec().flavor, extra_specs } });
  assert.equal(computeCapabilitiesFilter.passes(host('a'), withSpecs({ 'hw:cpu_policy': 'dedicated' })), true);
  assert.equal(
    computeCapabilitiesFilter.passes(host('a'), withSpecs({ 'capabilities:hypervisor_type': 'QEMU' })),
    true,
  );
  assert.equal(
    computeCapabilitiesFilter.passes(host('a'), withSpecs({ 'capabilities:hypervisor_type': 'xen' })),
    false,
  );
  assert.equal(
    computeCapabilitiesFilter.passes(host('a'), withSpecs({ 'capabilities:cpu_info:arch': 'x86_64' })),
    true,
  );
  assert.equal(
    computeCapabilitiesFilter.passes(host('a'), withSpecs({ 'capabilities:free_ram_mb': '>= 9000' })),
    false,
  );
  assert.equal(matchesExtraSpec(4, '= 2'), true);
  assert.equal(matchesExtraSpec('QEMU', 's== QEMU'), true);
  assert.equal(matchesExtraSpec('QEMU', '<or> xen <or> QEMU'), true);
  assert.equal(matchesExtraSpec('x86_64,avx', '<in> avx'), true);
});

test('server group hard affinity and anti-affinity', () => {
  const group = (policy: string, rules = {}) => ({ group: { id: 'g', policy, rules } });
  assert.equal(serverGroupAffinityFilter.passes(host('a'), req(group('affinity'))), true);
  assert.equal(serverGroupAffinityFilter.passes(host('a'), req(group('affinity'), ['b'])), false);
  assert.equal(serverGroupAffinityFilter.passes(host('b'), req(group('affinity'), ['b'])), true);
  assert.equal(
    serverGroupAntiAffinityFilter.passes(host('a', { groupMembers: 1 }), req(group('anti-affinity'))),
    false,
  );
  assert.equal(serverGroupAntiAffinityFilter.passes(host('a'), req(group('anti-affinity'))), true);
  assert.equal(
    serverGroupAntiAffinityFilter.passes(
      host('a', { groupMembers: 1 }),
      req(group('anti-affinity', { max_server_per_host: 2 })),
    ),
    true,
  );
  assert.equal(
    serverGroupAntiAffinityFilter.passes(host('a', { groupMembers: 3 }), req(group('soft-anti-affinity'))),
    true,
  );
});

test('same_host and different_host hints', () => {
  const r = { ...req(), sameHostAs: new Set(['a']), differentHostFrom: new Set(['b']) };
  assert.equal(sameHostFilter.passes(host('a'), r), true);
  assert.equal(sameHostFilter.passes(host('c'), r), false);
  assert.equal(sameHostFilter.passes(host('c'), req()), true);
  assert.equal(differentHostFilter.passes(host('b'), r), false);
  assert.equal(differentHostFilter.passes(host('a'), r), true);
  assert.deepEqual(hintUuids('u1'), ['u1']);
  assert.deepEqual(hintUuids(['u1', 2, '']), ['u1']);
  assert.deepEqual(hintUuids(undefined), []);
});

test('filterHosts runs every filter', () => {
  const hosts = [host('a'), host('b', { availabilityZone: 'az2' }), host('c', { service: undefined })];
  assert.deepEqual(
    filterHosts(hosts, req({ availability_zone: 'nova' })).map((h) => h.host),
    ['a'],
  );
});

test('weighers: RAM spreads, soft affinity groups, soft anti-affinity separates', () => {
  assert.deepEqual(normalize([1, 1]), [0, 0]);
  assert.deepEqual(normalize([0, 5, 10]), [0, 0.5, 1]);
  const hosts = [host('a', { freeRamMb: 1000 }), host('b', { freeRamMb: 3000 }), host('c', { freeRamMb: 2000 })];
  assert.deepEqual(
    weighHosts(hosts, req()).map((w) => w.host.host),
    ['b', 'c', 'a'],
  );
  const grouped = [host('a', { groupMembers: 2 }), host('b', { groupMembers: 0 })];
  const g = (policy: string) => ({ group: { id: 'g', policy, rules: {} } });
  assert.equal(weighHosts(grouped, req(g('soft-affinity')))[0].host.host, 'a');
  assert.equal(weighHosts(grouped, req(g('soft-anti-affinity')))[0].host.host, 'b');
  // One group member more outweighs the most free RAM; equal hosts keep the given order.
  const mixed = [host('a', { freeRamMb: 9000, groupMembers: 1 }), host('b', { freeRamMb: 1000 })];
  assert.equal(weighHosts(mixed, req(g('soft-anti-affinity')))[0].host.host, 'b');
  assert.deepEqual(
    weighHosts([host('x'), host('y')], req()).map((w) => w.host.host),
    ['x', 'y'],
  );
});
