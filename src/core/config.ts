import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * Strata's configuration: one YAML file (`--config`, or `<data-dir>/strata.yaml` when present) overlaid by
 * environment variables `STRATA_<SECTION>__<KEY>` (e.g. `STRATA_DATABASE__URL`), overlaid by CLI flags.
 * Every key and its default is listed in DEFAULTS below; that object is the documentation.
 */
export interface Config {
  /** Where the SQLite file, token keys, clouds.yaml and admin-openrc live. */
  dataDir: string;
  listen: { host: string; port: number };
  /** The base URL clients use; defaults to http://<host>:<port>. Catalog endpoints are built from it. */
  publicUrl: string;
  region: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest request body any API accepts, in bytes (Keystone's max_request_body_size is 114688). */
  bodyLimit: number;
  database: {
    /** postgres://user:pass@host/db selects PostgreSQL; empty means SQLite at <dataDir>/strata.db. */
    url: string;
    poolSize: number;
  };
  /** Which drivers the all-in-one uses: 'auto' picks by what the machine offers, 'fake' forces fakes. */
  drivers: 'auto' | 'fake';
  /** YAML or JSON file of policy overrides, read by every service; rules not named keep their defaults. */
  policyFile: string;
  identity: {
    tokenExpiration: number;
    /** How long past expiry `allow_expired=1` may still validate a token (Keystone: 2 days). */
    allowExpiredWindow: number;
    maxActiveKeys: number;
    /** scrypt cost: N=2^16 r=8 p=2 (64 MiB, ~300 ms on 2 cores) is no weaker than Keystone's bcrypt cost 12 (~250 ms). */
    scrypt: { N: number; r: number; p: number };
    /** How long a validated token stays in the per-process auth cache, in ms (revocations clear it at once). */
    authCacheMs: number;
    /** Keystone's [security_compliance]: every rule is off by default, as in Keystone. */
    securityCompliance: {
      /** Failed password authentications that lock a user out; 0 turns lockout off. */
      lockoutFailureAttempts: number;
      /** Seconds a lockout lasts (0: until an admin updates the user). */
      lockoutDuration: number;
      /** A new self-service password may not equal any of the user's last N passwords; 0 turns this off. */
      uniqueLastPasswordCount: number;
      /** Days a self-service password must be used before its owner may change it again. */
      minimumPasswordAge: number;
      /** Days a newly set password stays valid; 0 means passwords never expire. */
      passwordExpiresDays: number;
      /** Regular expression (anchored at the start, as Python's re.match) every new password must match; '' allows any. */
      passwordRegex: string;
      /** Human-readable description of passwordRegex, returned when a password fails it. */
      passwordRegexDescription: string;
      /** Passwords set at creation or by an admin expire at once, so the user must change them before use. */
      changePasswordUponFirstUse: boolean;
    };
  };
  image: {
    /**
     * A qcow2 that `strata start` uploads as the public image `strata-guest` when the file exists; relative
     * to the data directory. `strata image build-test` writes it there by default.
     */
    guestImage: string;
    /** Largest image accepted, in bytes (Glance's image_size_cap, 1 TiB); past it uploads get 413. */
    sizeCap: number;
  };
  network: {
    /** Segment type of a network created without provider attributes (ML2's tenant_network_types). */
    tenantNetworkType: 'vxlan' | 'vlan' | 'local';
    /** VXLAN ids tenant networks get, 'first:last'. */
    vxlanRanges: string;
    /** VLANs per physical network, 'physnet:first:last,...' (ML2's network_vlan_ranges). */
    vlanRanges: string;
    /** Physical networks flat networks may use, comma-separated; '*' allows any. */
    flatNetworks: string;
    /** MTU of the physical networks; VXLAN networks get 50 bytes less. */
    physicalMtu: number;
    /** Base of generated port MAC addresses (Neutron's base_mac); the zero bytes are randomised. */
    baseMac: string;
    /** Domain in ports' dns_assignment (Neutron's dns_domain). */
    dnsDomain: string;
    /** Default per-project limits by resource (Neutron's [QUOTAS] quota_<resource>); -1 is unlimited. */
    quotas: Record<string, number>;
    /** Host name this process's network agent serves and reports as; '' means the machine's host name. */
    host: string;
    /**
     * Dataplane driver of the network agent: 'linux' (bridges, namespaces, dnsmasq, nftables), 'noop' only
     * records state, 'auto' picks linux when root with ip, nft and dnsmasq, noop otherwise (and says why).
     */
    dataplane: 'auto' | 'noop' | 'linux';
    /** The linux dataplane's host wiring (see docs/plans/dataplane.md). */
    linux: LinuxDataplaneConfig;
    /** Seconds between an agent's state reports (Neutron's report_interval). */
    agentReportInterval: number;
    /** Seconds after its last report an agent counts as down (Neutron's agent_down_time). */
    agentDownTime: number;
  };
  compute: ComputeConfig;
  admin: { user: string; project: string; password: string };
  /**
   * How services call each other: Compute logs in as `user` of `project` with `password`. An empty password
   * means the all-in-one's own: generated at the first start and kept in `<dataDir>/service-credentials.yaml`
   * (mode 0600); a node without Identity sets all three (and `authUrl`, else `<publicUrl>/identity/v3`).
   */
  serviceAuth: { authUrl: string; user: string; password: string; project: string };
}

export interface LinuxDataplaneConfig {
  /**
   * Host interface (in the machine's root namespace) enslaved to the external network's bridge; '' connects the
   * external network to nothing real (the default: floating IPs are reachable only from namespaces on it).
   */
  uplink: string;
  /** Give the machine's root namespace a veth on the external bridge so its shell reaches floating IPs. */
  hostVeth: boolean;
  /** Address (CIDR) of that veth on the external network. */
  hostVethAddress: string;
}

export interface QemuConfig {
  /** The emulator binary. */
  binary: string;
  /** 'kvm', 'tcg', or 'auto': KVM when /dev/kvm is usable by a standard guest, TCG otherwise. */
  accel: 'auto' | 'kvm' | 'tcg';
  /** Nova's config_drive_format: 'iso9660' (IDE cdrom on the pc machine) or 'vfat' (a virtio disk). */
  configDriveFormat: 'iso9660' | 'vfat';
  /** Seconds a remote console URL's token stays valid (Nova's [consoleauth] token_ttl). */
  consoleTokenTtl: number;
  /** Seconds a soft reboot or a stop waits for the guest to power off before it is forced. */
  shutdownTimeout: number;
}

export interface ComputeConfig {
  /**
   * Compute hosts the all-in-one runs an agent for, each with the fake driver unless the real one is chosen;
   * empty means one host named as the network agent's (`network.host`, else the machine's name).
   */
  hosts: string[];
  /**
   * Hypervisor driver of the in-process agents: 'qemu' runs one qemu-system-x86_64 per instance, 'fake' keeps
   * instances in memory and a JSON file per host, 'auto' picks qemu when the machine can run it (root,
   * qemu-system-x86_64, qemu-img and the linux dataplane), fake otherwise (and says why).
   */
  driver: 'auto' | 'fake' | 'qemu';
  /** The qemu driver's settings. */
  qemu: QemuConfig;
  /** Every server gets a config drive, asked for or not (Nova's force_config_drive). */
  forceConfigDrive: boolean;
  /**
   * The Unix socket the compute metadata server listens on; the dataplane's per-network proxies forward
   * 169.254.169.254 to it. '' means <dataDir>/run/metadata.sock.
   */
  metadataSocket: string;
  /** Milliseconds each fake driver operation takes (spawn, reboot, ...): tests set it to see BUILD, REBOOT. */
  fakeDelayMs: number;
  /** What each fake host offers (Nova's fake driver: 1000 vCPUs, 800000 MB, 600000 GB). */
  fakeResources: { vcpus: number; memoryMb: number; localGb: number };
  /** Seconds between an agent's heartbeats and inventory reports (Nova's report_interval is 10). */
  reportInterval: number;
  /** Seconds after its last heartbeat a compute service counts as down (Nova's service_down_time). */
  serviceDownTime: number;
  /** Placement allocation ratios and reservations of each host (Nova's initial_* defaults). */
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
  reservedHostMemoryMb: number;
  /** Hosts the scheduler tries for one server before it goes to ERROR (Nova's max_attempts). */
  schedulerMaxAttempts: number;
  /** Availability zone of hosts in no zone-bearing aggregate (Nova's default_availability_zone). */
  defaultAvailabilityZone: string;
  /** Seconds a shelved server keeps its host before it is offloaded; 0 offloads at once, -1 never. */
  shelvedOffloadTime: number;
  /** Default per-project limits (Nova's [quota] section); -1 is unlimited. */
  quotas: Record<string, number>;
}

const DEFAULTS: Config = {
  dataDir: './data',
  listen: { host: '127.0.0.1', port: 8080 },
  publicUrl: '',
  region: 'RegionOne',
  logLevel: 'info',
  bodyLimit: 114688,
  database: { url: '', poolSize: 10 },
  drivers: 'auto',
  policyFile: '',
  identity: {
    tokenExpiration: 3600,
    allowExpiredWindow: 172800,
    maxActiveKeys: 3,
    scrypt: { N: 2 ** 16, r: 8, p: 2 },
    authCacheMs: 30000,
    securityCompliance: {
      lockoutFailureAttempts: 0,
      lockoutDuration: 1800,
      uniqueLastPasswordCount: 0,
      minimumPasswordAge: 0,
      passwordExpiresDays: 0,
      passwordRegex: '',
      passwordRegexDescription: '',
      changePasswordUponFirstUse: false,
    },
  },
  image: { guestImage: 'guest/strata-guest.qcow2', sizeCap: 1024 ** 4 },
  network: {
    tenantNetworkType: 'vxlan',
    vxlanRanges: '1:65535',
    vlanRanges: 'physnet1:100:199',
    flatNetworks: '*',
    physicalMtu: 1500,
    baseMac: 'fa:16:3e:00:00:00',
    dnsDomain: 'openstacklocal.',
    quotas: {
      network: 100,
      subnet: 100,
      subnetpool: -1,
      port: 500,
      router: 10,
      floatingip: 50,
      security_group: 10,
      security_group_rule: 100,
      rbac_policy: 10,
    },
    host: '',
    dataplane: 'auto',
    linux: { uplink: '', hostVeth: false, hostVethAddress: '172.24.4.2/24' },
    agentReportInterval: 30,
    agentDownTime: 75,
  },
  compute: {
    hosts: [],
    driver: 'auto',
    qemu: {
      binary: 'qemu-system-x86_64',
      accel: 'auto',
      configDriveFormat: 'iso9660',
      consoleTokenTtl: 600,
      shutdownTimeout: 60,
    },
    forceConfigDrive: false,
    metadataSocket: '',
    fakeDelayMs: 0,
    fakeResources: { vcpus: 1000, memoryMb: 800000, localGb: 600000 },
    reportInterval: 10,
    serviceDownTime: 60,
    cpuAllocationRatio: 4.0,
    ramAllocationRatio: 1.0,
    diskAllocationRatio: 1.0,
    reservedHostMemoryMb: 512,
    schedulerMaxAttempts: 3,
    defaultAvailabilityZone: 'nova',
    shelvedOffloadTime: 0,
    quotas: {
      instances: 10,
      cores: 20,
      ram: 51200,
      metadata_items: 128,
      key_pairs: 100,
      server_groups: 10,
      server_group_members: 10,
      injected_files: 5,
      injected_file_content_bytes: 10240,
      injected_file_path_bytes: 255,
    },
  },
  admin: { user: 'admin', project: 'admin', password: '' },
  serviceAuth: { authUrl: '', user: 'compute', password: '', project: 'service' },
};

export interface ConfigOverrides {
  configFile?: string;
  dataDir?: string;
  host?: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
  /** Deep-merged last; what tests use instead of files. */
  values?: DeepPartial<Config>;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export async function loadConfig(opts: ConfigOverrides = {}): Promise<Config> {
  const env = opts.env ?? process.env;
  let cfg: Config = structuredClone(DEFAULTS);
  const dataDir = resolve(opts.dataDir ?? env.STRATA_DATA_DIR ?? opts.values?.dataDir ?? DEFAULTS.dataDir);
  const file = opts.configFile ?? env.STRATA_CONFIG ?? join(dataDir, 'strata.yaml');
  cfg = merge(cfg, await readYaml(file, opts.configFile !== undefined));
  cfg = merge(cfg, fromEnv(env));
  if (opts.values) cfg = merge(cfg, opts.values);
  cfg.dataDir = dataDir;
  if (opts.host !== undefined) cfg.listen.host = opts.host;
  if (opts.port !== undefined) cfg.listen.port = opts.port;
  if (env.STRATA_ADMIN_PASSWORD) cfg.admin.password = env.STRATA_ADMIN_PASSWORD;
  if (cfg.policyFile && !isAbsolute(cfg.policyFile)) cfg.policyFile = join(dataDir, cfg.policyFile);
  if (cfg.image.guestImage && !isAbsolute(cfg.image.guestImage))
    cfg.image.guestImage = join(dataDir, cfg.image.guestImage);
  return cfg;
}

async function readYaml(file: string, required: boolean): Promise<DeepPartial<Config>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  const doc = parseYaml(text) ?? {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`config file ${file} is not a YAML mapping`);
  return doc as DeepPartial<Config>;
}

/** STRATA_IDENTITY__TOKEN_EXPIRATION=600 → { identity: { tokenExpiration: 600 } }. */
function fromEnv(env: NodeJS.ProcessEnv): DeepPartial<Config> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('STRATA_') || raw === undefined) continue;
    const path = keyPath(name.slice('STRATA_'.length).split('__'));
    // Single-level names (STRATA_LOG_LEVEL) only for known scalar settings: STRATA_DATA_DIR and friends are CLI inputs.
    const top = (DEFAULTS as unknown as Record<string, unknown>)[path[0]];
    if (path.length === 1 && (top === undefined || typeof top === 'object')) continue;
    let node = out;
    for (const key of path.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = coerce(raw);
  }
  return out as DeepPartial<Config>;
}

/** Maps env segments onto the keys DEFAULTS spells (IDENTITY, SCRYPT, N → identity.scrypt.N). */
function keyPath(segments: string[]): string[] {
  let node: unknown = DEFAULTS;
  return segments.map((seg) => {
    const wanted = camel(seg);
    const keys = node && typeof node === 'object' ? Object.keys(node) : [];
    const key = keys.find((k) => k.toLowerCase() === wanted.toLowerCase()) ?? wanted;
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    return key;
  });
}

const camel = (s: string) => s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function coerce(raw: string): unknown {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

function merge<T>(base: T, over: unknown): T {
  if (over === null || typeof over !== 'object' || Array.isArray(over)) return (over ?? base) as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) {
    const cur = out[k];
    out[k] = cur && typeof cur === 'object' && !Array.isArray(cur) ? merge(cur, v) : v;
  }
  return out as T;
}

export function publicUrlOf(cfg: Config, boundPort?: number): string {
  if (cfg.publicUrl) return cfg.publicUrl.replace(/\/$/, '');
  const host = cfg.listen.host === '0.0.0.0' || cfg.listen.host === '::' ? '127.0.0.1' : cfg.listen.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${boundPort ?? cfg.listen.port}`;
}

/** Where the compute metadata server listens and the dataplane's metadata proxies forward to. */
export function metadataSocketPath(config: Config): string {
  return config.compute.metadataSocket || join(config.dataDir, 'run', 'metadata.sock');
}
