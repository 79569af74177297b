import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseAccel, type KvmProbe } from '../../src/compute/drivers/qemu/accel.ts';
import { createHypervisor, qemuUnavailable } from '../../src/compute/drivers/select.ts';
import { loadConfig } from '../../src/core/config.ts';
import { isRoot } from '../../src/core/host/run.ts';

const probe = (devKvmUsable: boolean, mods: Partial<KvmProbe['modules']>): KvmProbe => ({
  devKvmUsable,
  modules: { kvm_intel: false, kvm_amd: false, kvm_pvm: false, ...mods },
});

test('auto: KVM only with a usable /dev/kvm from kvm_intel or kvm_amd', () => {
  assert.deepEqual(chooseAccel('auto', probe(true, { kvm_intel: true })), {
    accel: 'kvm',
    reason: 'auto: /dev/kvm with kvm_intel',
  });
  assert.equal(chooseAccel('auto', probe(true, { kvm_amd: true })).accel, 'kvm');
  assert.deepEqual(chooseAccel('auto', probe(true, { kvm_pvm: true })), {
    accel: 'tcg',
    reason: 'auto: /dev/kvm is kvm_pvm, which cannot run a standard guest',
  });
  assert.match(chooseAccel('auto', probe(false, { kvm_intel: true })).reason, /missing or not read-write/);
  assert.equal(chooseAccel('auto', probe(true, {})).accel, 'tcg');
});

test('an explicit accel setting wins over the machine', () => {
  assert.equal(chooseAccel('tcg', probe(true, { kvm_intel: true })).accel, 'tcg');
  assert.equal(chooseAccel('kvm', probe(false, {})).accel, 'kvm');
});

test('driver choice: fake forced, qemu named, auto says why it fell back', async () => {
  const forced = await loadConfig({ values: { drivers: 'fake', compute: { driver: 'qemu' } as never } });
  assert.equal(createHypervisor(forced, 'h1').name, 'fake');
  const named = await loadConfig({ values: { compute: { driver: 'qemu' } as never } });
  const q = createHypervisor(named, 'h1');
  assert.equal(q.name, 'qemu');
  assert.match(q.describe(), /^qemu .* with (TCG|KVM) \(/);

  const noop = await loadConfig({ values: { network: { dataplane: 'noop' } as never } });
  const fallback = createHypervisor(noop, 'h1');
  assert.equal(fallback.name, 'fake');
  assert.match(fallback.describe(), isRoot() ? /^fake \(auto: .*\)$/ : /^fake \(auto: not root\)$/);
  if (!isRoot()) return;
  const missing = await loadConfig({ values: { compute: { qemu: { binary: 'no-such-qemu' } } as never } });
  assert.equal(qemuUnavailable(missing), 'no-such-qemu not found');
});
