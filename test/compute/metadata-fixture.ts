import type { InstanceSpec } from '../../src/compute/drivers/hypervisor.ts';

/** A spec as buildInstanceSpec makes one: one port with one IPv4 address, a key, user data, metadata. */
export function metadataSpec(overrides: Partial<InstanceSpec> = {}): InstanceSpec {
  return {
    uuid: '0b7c7f3e-5d7e-4c1e-9a53-1f2d3c4b5a69',
    name: 'VM One',
    hostname: 'vm-one',
    flavor: { name: 'm1.nano', vcpus: 1, memory_mb: 128, root_gb: 1, ephemeral_gb: 0, swap: 0, extra_specs: {} },
    image: { id: 'a1b2c3d4-0000-4000-8000-000000000001', properties: {} },
    vifs: [
      {
        id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
        address: 'fa:16:3e:00:00:01',
        network: { id: 'net-1', label: 'private', mtu: 1450 },
        fixed_ips: [{ ip_address: '10.9.0.5', subnet_id: 'subnet-1', version: 4 }],
        type: 'bridge',
        devname: 'tap5e6f7a8b-9c',
      },
    ],
    injected: {
      userData: Buffer.from('#!/bin/sh\necho hello\n').toString('base64'),
      keyName: 'mykey',
      keyData: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample test@strata',
      adminPass: 'secret-pass',
      metadata: { role: 'web' },
      configDrive: true,
    },
    guest: {
      project_id: 'proj-1',
      availability_zone: 'zone-a',
      launch_index: 2,
      reservation_id: 'r-abc12345',
      security_groups: ['default', 'web'],
    },
    ...overrides,
  };
}
