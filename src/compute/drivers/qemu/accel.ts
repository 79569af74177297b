import { accessSync, constants, existsSync } from 'node:fs';

export interface AccelChoice {
  accel: 'kvm' | 'tcg';
  /** Why, for the start-up banner ('/dev/kvm is kvm_pvm, which cannot run a standard guest'). */
  reason: string;
}

/** What the machine offers, read from /dev and /sys (a parameter so tests can describe other machines). */
export interface KvmProbe {
  devKvmUsable: boolean;
  modules: { kvm_intel: boolean; kvm_amd: boolean; kvm_pvm: boolean };
}

export function probeKvm(): KvmProbe {
  let devKvmUsable = false;
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    devKvmUsable = true;
  } catch {}
  const mod = (name: string) => existsSync(`/sys/module/${name}`);
  return { devKvmUsable, modules: { kvm_intel: mod('kvm_intel'), kvm_amd: mod('kvm_amd'), kvm_pvm: mod('kvm_pvm') } };
}

/**
 * KVM needs a read-write /dev/kvm backed by kvm_intel or kvm_amd: kvm_pvm (a paravirtual KVM some cloud
 * sandboxes offer) also provides /dev/kvm, but a standard guest hangs under it.
 */
export function chooseAccel(setting: 'auto' | 'kvm' | 'tcg', probe: KvmProbe = probeKvm()): AccelChoice {
  if (setting === 'tcg') return { accel: 'tcg', reason: 'compute.qemu.accel is tcg' };
  if (setting === 'kvm') return { accel: 'kvm', reason: 'compute.qemu.accel is kvm' };
  const { kvm_intel, kvm_amd, kvm_pvm } = probe.modules;
  if (!probe.devKvmUsable) return { accel: 'tcg', reason: 'auto: /dev/kvm is missing or not read-write' };
  if (kvm_intel) return { accel: 'kvm', reason: 'auto: /dev/kvm with kvm_intel' };
  if (kvm_amd) return { accel: 'kvm', reason: 'auto: /dev/kvm with kvm_amd' };
  if (kvm_pvm) return { accel: 'tcg', reason: 'auto: /dev/kvm is kvm_pvm, which cannot run a standard guest' };
  return { accel: 'tcg', reason: 'auto: /dev/kvm has neither kvm_intel nor kvm_amd loaded' };
}
