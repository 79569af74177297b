import { badRequest } from './errors.ts';

/**
 * Nova's extra spec validation (2.86): keys in namespaces Nova registers must be ones it knows, with values of
 * the right kind; keys in other namespaces (or none) pass as before. A subset of Zed's registry: the keys
 * clients and Tempest use.
 */
type Rule =
  | { kind: 'enum'; values: string[] }
  | { kind: 'int'; min: number }
  | { kind: 'bool' }
  | { kind: 'str' }
  | { kind: 'page' };

const BOOL = { kind: 'bool' } as const;
const INT1 = { kind: 'int', min: 1 } as const;
const INT0 = { kind: 'int', min: 0 } as const;
const STR = { kind: 'str' } as const;
const oneOf = (...values: string[]): Rule => ({ kind: 'enum', values });

const KNOWN: Record<string, Rule> = {
  'hw:cpu_policy': oneOf('dedicated', 'shared', 'mixed'),
  'hw:cpu_thread_policy': oneOf('prefer', 'isolate', 'require'),
  'hw:emulator_threads_policy': oneOf('share', 'isolate'),
  'hw:cpu_dedicated_mask': STR,
  'hw:cpu_realtime': BOOL,
  'hw:cpu_realtime_mask': STR,
  'hw:cpu_sockets': INT1,
  'hw:cpu_cores': INT1,
  'hw:cpu_threads': INT1,
  'hw:cpu_max_sockets': INT1,
  'hw:cpu_max_cores': INT1,
  'hw:cpu_max_threads': INT1,
  'hw:numa_nodes': INT1,
  'hw:mem_page_size': { kind: 'page' },
  'hw:boot_menu': BOOL,
  'hw:vif_multiqueue_enabled': BOOL,
  'hw:pmu': BOOL,
  'hw:pmem': STR,
  'hw:serial_port_count': INT0,
  'hw:hide_hypervisor_id': BOOL,
  'hw:watchdog_action': oneOf('none', 'pause', 'poweroff', 'reset', 'disabled'),
  'hw:mem_encryption': BOOL,
  'hw:tpm_version': oneOf('1.2', '2.0'),
  'hw:tpm_model': oneOf('tpm-tis', 'tpm-crb'),
  'hw:locked_memory': BOOL,
  'hw:virtio_packed_ring': BOOL,
  'hw:vpmu': BOOL,
  'hw_rng:allowed': BOOL,
  'hw_rng:rate_bytes': INT0,
  'hw_rng:rate_period': INT0,
  'hw_video:ram_max_mb': INT0,
  'os:secure_boot': oneOf('required', 'disabled'),
  'accel:device_profile': STR,
  group_policy: oneOf('none', 'isolate'),
};

/** Keys with a numbered part (hw:numa_cpus.0) or a free suffix, by prefix. */
const PATTERNS: [RegExp, Rule][] = [
  [/^hw:numa_cpus\.\d+$/, STR],
  [/^hw:numa_mem\.\d+$/, INT0],
  [/^quota:[a-z_]+$/, INT0],
  [/^resources\d*:[A-Z0-9_]+$/, INT0],
  [/^trait\d*:[A-Z0-9_]+$/, oneOf('required', 'forbidden')],
];

const NAMESPACES = ['hw', 'hw_rng', 'hw_video', 'os', 'accel', 'quota', 'resources', 'trait'];

function valid(rule: Rule, value: string): boolean {
  switch (rule.kind) {
    case 'enum':
      return rule.values.includes(value);
    case 'int':
      return /^-?\d+$/.test(value) && Number(value) >= rule.min;
    case 'bool':
      return ['true', 'false', 'yes', 'no', '1', '0', 'on', 'off', 't', 'f', 'y', 'n'].includes(value.toLowerCase());
    case 'page':
      return /^(small|large|any|\d+([KMGT]i?B?)?)$/i.test(value);
    default:
      return true;
  }
}

export function validateExtraSpecs(specs: Record<string, string>): void {
  for (const [key, value] of Object.entries(specs)) {
    const namespace = key.includes(':') ? key.slice(0, key.indexOf(':')).replace(/\d+$/, '') : '';
    if (!NAMESPACES.includes(namespace) && key !== 'group_policy') continue;
    const rule = KNOWN[key] ?? PATTERNS.find(([re]) => re.test(key))?.[1];
    if (!rule) throw badRequest(`Validation failed; extra spec ${key} does not appear to be a valid extra spec.`);
    if (!valid(rule, value))
      throw badRequest(
        rule.kind === 'enum'
          ? `Validation failed; '${value}' is not one of [${rule.values.map((v) => `'${v}'`).join(', ')}] for extra spec ${key}.`
          : `Validation failed; '${value}' is not a valid value for extra spec ${key}.`,
      );
  }
}
