import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { microversion } from '../../src/compute/microversion.ts';
import { type ServerViewContext, serverView } from '../../src/compute/server-view.ts';
import type { InstanceRow } from '../../src/compute/tables.ts';
import { instanceRow } from './compute-fixture.ts';

const row = (over: Partial<InstanceRow> = {}): InstanceRow =>
  instanceRow({
    uuid: '11111111-2222-3333-4444-555555555555',
    project_id: 'p1',
    user_id: 'u1',
    image_ref: 'img',
    flavor: JSON.stringify({
      id: '42',
      name: 'm1.nano',
      vcpus: 1,
      memory_mb: 128,
      root_gb: 1,
      ephemeral_gb: 0,
      swap: 0,
      rxtx_factor: 1,
      extra_specs: { a: 'b' },
    }),
    host: 'h1',
    node: 'h1',
    availability_zone: null,
    launched_at: '2026-01-02T03:04:05.678Z',
    reservation_id: 'r-abcdefgh',
    info_cache: JSON.stringify([
      {
        id: 'port1',
        address: 'fa:16:3e:00:00:01',
        network: { id: 'n1', label: 'private' },
        fixed_ips: [{ ip_address: '10.0.0.5', subnet_id: 's1', version: 4 }],
        floating_ips: [{ floating_ip_address: '172.24.4.9', fixed_ip_address: '10.0.0.5' }],
        preserve_on_delete: false,
        status: 'ACTIVE',
      },
    ]),
    created_at: '2026-01-02T03:04:05.678Z',
    updated_at: '2026-01-02T03:05:05.678Z',
    ...over,
  });

const ctx = (over: Partial<ServerViewContext> = {}): ServerViewContext => ({
  url: (p) => `http://x/compute${p}`,
  isAdmin: false,
  showExtendedAttrs: false,
  metadata: new Map(),
  systemMetadata: new Map([[row().uuid, { strata_security_groups: '["default"]' }]]),
  tags: new Map(),
  volumes: new Map(),
  hostStatuses: new Map([['h1', 'UP']]),
  defaultAz: 'nova',
  ...over,
});

test('2.1 view of a member: addresses fixed then floating, hostId, links, timestamps', () => {
  const v = serverView(row(), microversion('2.1'), ctx(), 'show');
  assert.equal(v.hostId, createHash('sha224').update('p1h1').digest('hex'));
  assert.deepEqual(v.addresses, {
    private: [
      { version: 4, addr: '10.0.0.5', 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01' },
      { version: 4, addr: '172.24.4.9', 'OS-EXT-IPS:type': 'floating', 'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01' },
    ],
  });
  assert.equal(v.created, '2026-01-02T03:04:05Z');
  assert.equal(v['OS-SRV-USG:launched_at'], '2026-01-02T03:04:05.678000');
  assert.equal(v['OS-EXT-AZ:availability_zone'], 'nova');
  assert.deepEqual(v.security_groups, [{ name: 'default' }]);
  assert.deepEqual(v.links, [
    { rel: 'self', href: 'http://x/compute/v2.1/servers/11111111-2222-3333-4444-555555555555' },
    { rel: 'bookmark', href: 'http://x/compute/servers/11111111-2222-3333-4444-555555555555' },
  ]);
  assert.ok(!Object.keys(v).some((k) => k.startsWith('OS-EXT-SRV-ATTR')));
});

test('building hides addresses; ERROR shows the fault, details only for admins or non-500 codes', () => {
  assert.deepEqual(
    serverView(row({ vm_state: 'building', task_state: 'scheduling' }), microversion('2.1'), ctx(), 'show').addresses,
    {},
  );
  const fault = JSON.stringify({
    code: 500,
    message: 'No valid host was found.',
    details: 'trace',
    created: '2026-01-02T03:04:05Z',
  });
  const member = serverView(row({ vm_state: 'error', fault }), microversion('2.1'), ctx(), 'show');
  assert.deepEqual(member.fault, { code: 500, created: '2026-01-02T03:04:05Z', message: 'No valid host was found.' });
  assert.equal(member.progress, undefined);
  const admin = serverView(row({ vm_state: 'error', fault }), microversion('2.1'), ctx({ isAdmin: true }), 'show');
  assert.equal((admin.fault as { details: string }).details, 'trace');
});

test('2.47 flavor, 2.73 lock reason, 2.90 hostname for members, image "" when booted from a volume', () => {
  const v247 = serverView(row(), microversion('2.47'), ctx(), 'show');
  assert.deepEqual(v247.flavor, {
    vcpus: 1,
    ram: 128,
    disk: 1,
    ephemeral: 0,
    swap: 0,
    original_name: 'm1.nano',
    extra_specs: { a: 'b' },
  });
  const v273 = serverView(
    row({ locked: 1, locked_by: 'owner', locked_reason: 'r' }),
    microversion('2.73'),
    ctx(),
    'show',
  );
  assert.equal(v273.locked, true);
  assert.equal(v273.locked_reason, 'r');
  assert.equal(v273['OS-EXT-SRV-ATTR:hostname'], undefined);
  const v293 = serverView(row({ image_ref: '' }), microversion('2.93'), ctx(), 'show');
  assert.equal(v293['OS-EXT-SRV-ATTR:hostname'], 'vm');
  assert.equal(v293.image, '');
  assert.equal(v293.server_groups, undefined);
  const admin = serverView(
    row(),
    microversion('2.16'),
    ctx({ isAdmin: true, showExtendedAttrs: true, hostStatus: 'all' }),
    'show',
  );
  assert.equal(admin.host_status, 'UP');
  assert.equal(admin['OS-EXT-SRV-ATTR:reservation_id'], 'r-abcdefgh');
  assert.equal(admin['OS-EXT-SRV-ATTR:instance_name'], 'instance-11111111');
});
