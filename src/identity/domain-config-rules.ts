import { Forbidden } from '../core/errors.ts';

/**
 * Which domain-specific configuration options Keystone accepts, and their defaults. Keystone names each allowed
 * option explicitly (so a new LDAP option is never exposed by accident); anything else is refused with its
 * InvalidDomainConfig, a 403. Strata stores these options and serves them back, but has no LDAP identity
 * driver: nothing reads them, and every domain keeps using the SQL identity backend.
 */
type Value = string | number | boolean | null | string[];

/** Default values as Keystone ships them ([identity] and [ldap] in keystone.conf). */
const DEFAULTS: Record<string, Record<string, Value>> = {
  identity: { driver: 'sql', list_limit: null },
  ldap: {
    url: 'ldap://localhost',
    user: null,
    suffix: 'cn=example,cn=com',
    query_scope: 'one',
    page_size: 0,
    alias_dereferencing: 'default',
    debug_level: null,
    chase_referrals: null,
    user_tree_dn: null,
    user_filter: null,
    user_objectclass: 'inetOrgPerson',
    user_id_attribute: 'cn',
    user_name_attribute: 'sn',
    user_mail_attribute: 'mail',
    user_description_attribute: 'description',
    user_pass_attribute: 'userPassword',
    user_enabled_attribute: 'enabled',
    user_enabled_invert: false,
    user_enabled_mask: 0,
    user_enabled_default: 'True',
    user_attribute_ignore: ['default_project_id'],
    user_default_project_id_attribute: null,
    user_enabled_emulation: false,
    user_enabled_emulation_dn: null,
    user_enabled_emulation_use_group_config: false,
    user_additional_attribute_mapping: [],
    group_tree_dn: null,
    group_filter: null,
    group_objectclass: 'groupOfNames',
    group_id_attribute: 'cn',
    group_name_attribute: 'ou',
    group_members_are_ids: false,
    group_member_attribute: 'member',
    group_desc_attribute: 'description',
    group_attribute_ignore: [],
    group_additional_attribute_mapping: [],
    tls_cacertfile: null,
    tls_cacertdir: null,
    use_tls: false,
    tls_req_cert: 'demand',
    use_pool: true,
    pool_size: 10,
    pool_retry_max: 3,
    pool_retry_delay: 0.1,
    pool_connection_timeout: -1,
    pool_connection_lifetime: 600,
    use_auth_pool: true,
    auth_pool_size: 100,
    auth_pool_connection_lifetime: 60,
  },
};

/** Stored in their own rows and never returned (Keystone may substitute them into other options). */
const SENSITIVE: Record<string, readonly string[]> = { identity: [], ldap: ['password'] };

export type DomainConfig = Record<string, Record<string, unknown>>;

const invalid = (reason: string) => new Forbidden(`Invalid domain specific configuration: ${reason}.`);

export const isSensitive = (group: string, option: string): boolean => SENSITIVE[group]?.includes(option) ?? false;

export function assertValidGroupAndOption(group?: string, option?: string): void {
  if (group === undefined) return;
  if (!(group in DEFAULTS)) throw invalid(`Group ${group} is not supported for domain specific configurations`);
  if (option !== undefined && !(option in DEFAULTS[group]) && !isSensitive(group, option))
    throw invalid(`Option ${option} in group ${group} is not supported for domain specific configurations`);
}

/** The checks Keystone makes on a config given to create or update. */
export function assertValidConfig(config: Record<string, unknown>): asserts config is DomainConfig {
  if (Object.keys(config).length === 0) throw invalid('No options specified');
  for (const [group, options] of Object.entries(config)) {
    if (!options || typeof options !== 'object' || Array.isArray(options) || Object.keys(options).length === 0)
      throw invalid(`The value of group ${group} specified in the config should be a dictionary of options`);
    for (const option of Object.keys(options)) assertValidGroupAndOption(group, option);
  }
}

/** Keystone's defaults: every allowed (non-sensitive) option, or one group, or `{option: value}` for one option. */
export function configDefaults(group?: string, option?: string): Record<string, unknown> {
  assertValidGroupAndOption(group, option);
  if (group === undefined) return structuredClone(DEFAULTS);
  if (option === undefined) return { [group]: { ...DEFAULTS[group] } };
  if (!(option in DEFAULTS[group]))
    throw invalid(`Reading the default for option ${option} in group ${group} is not supported`);
  return { [option]: DEFAULTS[group][option] };
}
