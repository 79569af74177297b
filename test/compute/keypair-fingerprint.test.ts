import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateExtraSpecs } from '../../src/compute/extra-spec-validation.ts';
import { generateSshKeyPair, sshFingerprint } from '../../src/compute/keypair-fingerprint.ts';

test('a generated key pair round-trips through the fingerprint check', async () => {
  const k = await generateSshKeyPair();
  assert.match(k.publicKey, /^ssh-rsa AAAAB3NzaC1yc2E/);
  assert.equal(sshFingerprint(k.publicKey), k.fingerprint);
});

test('malformed public keys are Nova 400s', () => {
  for (const bad of [
    '',
    ' ',
    'ssh-rsa',
    'ssh-rsa JUNK nova@ubuntu',
    `ssh-rsa ${'A'.repeat(2048)} x`,
    'ssh-dss AAAAB3NzaC1kc3M= x',
    // an ed25519 header claiming ssh-rsa inside
    'ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIA== x',
  ])
    assert.throws(
      () => sshFingerprint(bad),
      (e: Error & { status?: number }) => e.status === 400,
      bad,
    );
});

test('extra spec validation (2.86): known keys checked, other namespaces free', () => {
  validateExtraSpecs({ 'hw:cpu_policy': 'dedicated', 'hw:mem_page_size': '2MB', 'trait:HW_CPU_X86_AVX2': 'required' });
  validateExtraSpecs({ 'aggregate_instance_extra_specs:ssd': 'true', plain: 'x', 'resources:VGPU': '1' });
  const bads: Record<string, string>[] = [
    { 'hw:cpu_policy': 'sometimes' },
    { 'hw:numa_nodes': 'two' },
    { 'hw:unknown': '1' },
    { 'hw_rng:allowed': 'maybe' },
    { 'resources:VGPU': '-1' },
    { group_policy: 'spread' },
  ];
  const isBadRequest = (e: unknown) => (e as { status?: number }).status === 400;
  for (const bad of bads) assert.throws(() => validateExtraSpecs(bad), isBadRequest, JSON.stringify(bad));
});
