import type { SecurityComplianceProfile } from './sets.ts';

/**
 * tempest.conf for a single-endpoint Strata. Every [service_available] flag is written, because Tempest
 * defaults several to true and would then fail (not skip) tests of services this cloud does not offer.
 * Feature flags describe what Strata's Identity implements (Keystone Zed defaults, scope not enforced).
 */
const ALL_SERVICES = [
  'cinder',
  'neutron',
  'glance',
  'swift',
  'nova',
  'horizon',
  'heat',
  'ceilometer',
  'aodh',
  'gnocchi',
  'designate',
  'barbican',
  'manila',
  'octavia',
  'ironic',
  'magnum',
  'mistral',
  'senlin',
  'trove',
  'zaqar',
  'watcher',
  'placement',
];

export interface TempestConfOptions {
  workspace: string;
  authUrl: string;
  password: string;
  services: string[];
  /** What the cloud enforces of Keystone's [security_compliance]; absent means it is off (Keystone's default). */
  securityCompliance?: SecurityComplianceProfile;
  /** More sections (or keys) a service's set prepared against the running cloud (network: the public network). */
  extra?: Record<string, Record<string, string>>;
}

export function tempestConf(o: TempestConfOptions): string {
  const sc = o.securityCompliance;
  const sections: Record<string, Record<string, string>> = {
    DEFAULT: { log_dir: o.workspace, log_file: 'tempest.log', debug: 'true' },
    oslo_concurrency: { lock_path: `${o.workspace}/tempest_lock` },
    auth: {
      use_dynamic_credentials: 'true',
      // Tempest then makes a network, subnet and router for each project it creates, and boots servers there.
      create_isolated_networks: String(o.services.includes('nova') && o.services.includes('neutron')),
      admin_username: 'admin',
      // oslo.config expands $name; a literal $ is written $$.
      admin_password: o.password.replaceAll('$', '$$$$'),
      admin_project_name: 'admin',
      admin_domain_name: 'Default',
      admin_user_domain_name: 'Default',
      admin_project_domain_name: 'Default',
      default_credentials_domain_name: 'Default',
    },
    identity: {
      uri_v3: o.authUrl,
      auth_version: 'v3',
      region: 'RegionOne',
      v3_endpoint_type: 'public',
      catalog_type: 'identity',
      admin_role: 'admin',
      default_domain_id: 'default',
      ...(sc && {
        user_lockout_failure_attempts: String(sc.lockoutFailureAttempts),
        user_lockout_duration: String(sc.lockoutDuration),
        user_unique_last_password_count: String(sc.uniqueLastPasswordCount),
        // Not read by Tempest 33 (oslo.config ignores unknown options); written for later Tempests.
        user_minimum_password_age: String(sc.minimumPasswordAge),
      }),
    },
    'identity-feature-enabled': {
      api_v2: 'false',
      api_v2_admin: 'false',
      api_v3: 'true',
      api_extensions: 'all',
      trust: 'true',
      application_credentials: 'true',
      access_rules: 'true',
      project_tags: 'true',
      security_compliance: String(sc !== undefined),
      domain_specific_drivers: 'false',
      immutable_user_source: 'false',
      federation: 'false',
      external_idp: 'false',
      enforce_scope: 'false',
    },
    enforce_scope: Object.fromEntries(
      ['keystone', 'nova', 'neutron', 'glance', 'cinder', 'placement'].map((s) => [s, 'false']),
    ),
    service_available: Object.fromEntries(ALL_SERVICES.map((s) => [s, String(o.services.includes(s))])),
    'service-clients': { http_timeout: '60' },
    'image-feature-enabled': { api_v1: 'false', api_v2: 'true', import_image: 'true', os_glance_reserved: 'true' },
    validation: { run_validation: 'false' },
  };
  for (const [name, kv] of Object.entries(o.extra ?? {})) sections[name] = { ...sections[name], ...kv };
  return Object.entries(sections)
    .map(
      ([name, kv]) =>
        `[${name}]\n${Object.entries(kv)
          .map(([k, v]) => `${k} = ${v}`)
          .join('\n')}\n`,
    )
    .join('\n');
}
