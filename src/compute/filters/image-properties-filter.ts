import type { HostFilter, HostState } from './host-state.ts';

/** QEMU answers for KVM and QEMU alike (Nova's hv_type canonicalisation). */
const HV_ALIASES: Record<string, string> = { kvm: 'qemu', xapi: 'xen' };
const canonicalHv = (t: string) => HV_ALIASES[t.toLowerCase()] ?? t.toLowerCase();
const canonicalArch = (a: string) =>
  ({ amd64: 'x86_64', x64: 'x86_64', arm64: 'aarch64' })[a.toLowerCase()] ?? a.toLowerCase();

function prop(props: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = props[k];
    if (typeof v === 'string' && v) return v;
  }
  return undefined;
}

/** Whether a host can run an image with these properties (architecture, hypervisor type, VM mode). */
export function hostSupportsImage(host: HostState, props: Record<string, unknown>): boolean {
  const arch = prop(props, 'hw_architecture', 'architecture');
  const hvType = prop(props, 'img_hv_type', 'hypervisor_type');
  const vmMode = prop(props, 'hw_vm_mode', 'vm_mode');
  const hostArch = typeof host.cpuInfo.arch === 'string' ? host.cpuInfo.arch : undefined;
  if (arch && hostArch && canonicalArch(arch) !== canonicalArch(hostArch)) return false;
  // The fake hypervisor stands in for any hypervisor type, as Nova's fake driver does.
  if (hvType && host.hypervisorType !== 'fake' && canonicalHv(hvType) !== canonicalHv(host.hypervisorType))
    return false;
  // Full virtualisation only: qemu and fake run 'hvm' guests, not Xen PV or exe containers.
  if (vmMode && vmMode.toLowerCase() !== 'hvm' && host.hypervisorType !== 'fake') return false;
  return true;
}

/** Nova's ImagePropertiesFilter. */
export const imagePropertiesFilter: HostFilter = {
  name: 'ImagePropertiesFilter',
  passes: (host, req) => hostSupportsImage(host, req.spec.image?.properties ?? {}),
};
