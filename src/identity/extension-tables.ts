import type { Kysely } from 'kysely';
import type { IdentityDb, IdentityTables } from './tables.ts';

/**
 * The tables of migration 0002-extensions (policy blobs, OAuth1 consumers, endpoint filtering, domain
 * configuration, federation) as Kysely sees them. Kept apart from tables.ts until they are folded into it;
 * stores reach them through `extensionDb(deps.db)`.
 */
export interface ExtensionTables {
  policies: PolicyBlobRow;
  oauth1_consumers: ConsumerRow;
  oauth1_request_tokens: RequestTokenRow;
  oauth1_access_tokens: AccessTokenRow;
  endpoint_groups: EndpointGroupRow;
  project_endpoint_groups: { endpoint_group_id: string; project_id: string };
  project_endpoints: { endpoint_id: string; project_id: string };
  domain_configs: DomainConfigRow;
  identity_providers: IdentityProviderRow;
  idp_remote_ids: { idp_id: string; remote_id: string };
  federation_protocols: FederationProtocolRow;
  mappings: MappingRow;
  service_providers: ServiceProviderRow;
}

export type ExtensionDb = Kysely<IdentityTables & ExtensionTables>;

/** The same connection (or transaction), typed to see the extension tables as well. */
export const extensionDb = (db: IdentityDb): ExtensionDb => db as unknown as ExtensionDb;

export interface PolicyBlobRow {
  id: string;
  type: string;
  blob: string;
  extra: string;
}

export interface ConsumerRow {
  id: string;
  description: string | null;
  /** Kept in clear: OAuth1 request signing needs the shared secret itself, as in Keystone. */
  secret: string;
  extra: string;
}

export interface RequestTokenRow {
  id: string;
  request_secret: string;
  /** Set, with the authorizing user and roles, when a user authorizes the token. */
  verifier: string | null;
  authorizing_user_id: string | null;
  requested_project_id: string;
  /** JSON array of role ids. */
  role_ids: string | null;
  consumer_id: string;
  expires_at: string | null;
}

export interface AccessTokenRow {
  id: string;
  access_secret: string;
  authorizing_user_id: string;
  project_id: string;
  /** JSON array of role ids. */
  role_ids: string;
  consumer_id: string;
  expires_at: string | null;
}

export interface EndpointGroupRow {
  id: string;
  name: string;
  description: string | null;
  /** JSON object of endpoint attributes (interface, service_id, region_id). */
  filters: string;
}

export interface DomainConfigRow {
  domain_id: string;
  config_group: string;
  config_option: string;
  /** JSON of the option's value (string, number, boolean, list...). */
  value: string;
  /** Keystone's sensitive options (ldap password) are stored but never returned. */
  sensitive: number;
}

export interface IdentityProviderRow {
  id: string;
  domain_id: string;
  enabled: number;
  description: string | null;
  authorization_ttl: number | null;
}

export interface FederationProtocolRow {
  id: string;
  idp_id: string;
  mapping_id: string;
  remote_id_attribute: string | null;
}

export interface MappingRow {
  id: string;
  /** JSON array of mapping rules. */
  rules: string;
}

export interface ServiceProviderRow {
  id: string;
  enabled: number;
  description: string | null;
  auth_url: string;
  sp_url: string;
  relay_state_prefix: string;
}
