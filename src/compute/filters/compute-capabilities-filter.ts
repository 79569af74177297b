import type { HostFilter, HostState } from './host-state.ts';

/** What `capabilities:<key>` extra specs may name (nested keys with ':' as in `capabilities:cpu_info:arch`). */
function capabilitiesOf(host: HostState): Record<string, unknown> {
  return {
    host: host.host,
    hypervisor_hostname: host.node,
    hypervisor_type: host.hypervisorType,
    hypervisor_version: host.hypervisorVersion,
    cpu_info: host.cpuInfo,
    vcpus_total: host.vcpus,
    total_usable_ram_mb: host.memoryMb,
    free_ram_mb: host.freeRamMb,
    free_disk_mb: host.freeDiskGb * 1024,
  };
}

function lookup(caps: Record<string, unknown>, path: string[]): unknown {
  let v: unknown = caps;
  for (const part of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/**
 * Nova's extra spec operators: `= n` (at least n), `== n`, `!= n`, `>= n`, `<= n`, `s== x`, `s!= x`, `<in> x`
 * (substring), `<or> a <or> b`; a plain value compares as a string.
 */
export function matchesExtraSpec(actual: unknown, wanted: string): boolean {
  if (actual === undefined || actual === null) return false;
  const text = Array.isArray(actual) ? actual.map(String) : [String(actual)];
  const words = wanted.trim().split(/\s+/);
  const [op, ...rest] = words;
  const arg = rest.join(' ');
  const num = Number(text[0]);
  switch (op) {
    case '=':
      return num >= Number(arg);
    case '==':
      return num === Number(arg);
    case '!=':
      return num !== Number(arg);
    case '>=':
      return num >= Number(arg);
    case '<=':
      return num <= Number(arg);
    case 's==':
      return text[0] === arg;
    case 's!=':
      return text[0] !== arg;
    case '<in>':
      return text.some((t) => t.includes(arg));
    case '<all-in>':
      return rest.every((w) => text.includes(w));
    case '<or>': {
      const options = wanted
        .split('<or>')
        .map((s) => s.trim())
        .filter(Boolean);
      return options.some((o) => text.includes(o));
    }
    default:
      return text[0] === wanted;
  }
}

/** Nova's ComputeCapabilitiesFilter, for the `capabilities:` scope of the flavor's extra specs. */
export const computeCapabilitiesFilter: HostFilter = {
  name: 'ComputeCapabilitiesFilter',
  passes(host, req) {
    const specs = req.spec.flavor.extra_specs ?? {};
    const caps = capabilitiesOf(host);
    for (const [key, wanted] of Object.entries(specs)) {
      const [scope, ...path] = key.split(':');
      if (scope !== 'capabilities' || path.length === 0) continue;
      if (!matchesExtraSpec(lookup(caps, path), wanted)) return false;
    }
    return true;
  },
};
