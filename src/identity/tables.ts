import type { Kysely } from 'kysely';

/** Identity's tables as Kysely sees them; only files under src/identity name these. */
export interface IdentityTables {
  projects: ProjectRow;
  project_tags: { project_id: string; name: string };
  users: UserRow;
  groups: GroupRow;
  user_groups: { user_id: string; group_id: string };
  roles: RoleRow;
  implied_roles: { prior_role_id: string; implied_role_id: string };
  assignments: AssignmentRow;
  regions: RegionRow;
  services: ServiceRow;
  endpoints: EndpointRow;
  credentials: CredentialRow;
  application_credentials: AppCredRow;
  access_rules: AccessRuleRow;
  trusts: TrustRow;
  registered_limits: RegisteredLimitRow;
  limits: LimitRow;
  revocation_events: RevocationRow;
  password_history: PasswordHistoryRow;
}

export type IdentityDb = Kysely<IdentityTables>;

/** Parent of every domain and domain_id of global roles: a value no real id can take. */
export const ROOT = '<<keystone.domain.root>>';

export interface ProjectRow {
  id: string;
  name: string;
  domain_id: string;
  parent_id: string | null;
  is_domain: number;
  enabled: number;
  description: string | null;
  extra: string;
  options: string;
}

export interface UserRow {
  id: string;
  domain_id: string;
  name: string;
  enabled: number;
  password_hash: string | null;
  password_created_at: string | null;
  password_expires_at: string | null;
  default_project_id: string | null;
  description: string | null;
  email: string | null;
  extra: string;
  options: string;
  created_at: string;
  last_active_at: string | null;
  /** Failed password authentications since the last success (lockout); null when none were counted. */
  failed_auth_count: number | null;
  failed_auth_at: string | null;
  /** 1 when the current password was set by the user (POST /v3/users/{id}/password), 0 when by an admin. */
  password_self_service: number | null;
}

/** A password the user had before the current one (newest kept; see security-compliance.ts). */
export interface PasswordHistoryRow {
  id: string;
  user_id: string;
  password_hash: string;
  created_at: string;
}

export interface GroupRow {
  id: string;
  domain_id: string;
  name: string;
  description: string | null;
  extra: string;
}

export interface RoleRow {
  id: string;
  name: string;
  domain_id: string;
  description: string | null;
  extra: string;
  options: string;
}

export type AssignmentType =
  | 'UserProject'
  | 'GroupProject'
  | 'UserDomain'
  | 'GroupDomain'
  | 'UserSystem'
  | 'GroupSystem';

export interface AssignmentRow {
  type: AssignmentType;
  actor_id: string;
  target_id: string;
  role_id: string;
  inherited: number;
}

export interface RegionRow {
  id: string;
  description: string;
  parent_region_id: string | null;
  extra: string;
}

export interface ServiceRow {
  id: string;
  type: string;
  enabled: number;
  extra: string;
}

export interface EndpointRow {
  id: string;
  service_id: string;
  region_id: string | null;
  interface: string;
  url: string;
  enabled: number;
  extra: string;
}

export interface CredentialRow {
  id: string;
  user_id: string;
  project_id: string | null;
  type: string;
  blob: string;
  extra: string;
}

export interface AppCredRow {
  id: string;
  name: string;
  secret_hash: string;
  description: string | null;
  user_id: string;
  project_id: string | null;
  system: string | null;
  expires_at: string | null;
  unrestricted: number;
  /** JSON array of role ids. */
  roles: string;
  /** JSON array of access rule ids. */
  access_rules: string;
}

export interface AccessRuleRow {
  id: string;
  user_id: string;
  service: string;
  path: string;
  method: string;
}

export interface TrustRow {
  id: string;
  trustor_user_id: string;
  trustee_user_id: string;
  project_id: string | null;
  impersonation: number;
  expires_at: string | null;
  remaining_uses: number | null;
  redelegated_trust_id: string | null;
  redelegation_count: number | null;
  /** JSON array of role ids. */
  roles: string;
  extra: string;
  deleted_at: string | null;
}

export interface RegisteredLimitRow {
  id: string;
  service_id: string;
  region_id: string | null;
  resource_name: string;
  default_limit: number;
  description: string | null;
}

export interface LimitRow {
  id: string;
  project_id: string | null;
  domain_id: string | null;
  service_id: string;
  region_id: string | null;
  resource_name: string;
  resource_limit: number;
  description: string | null;
}

export interface RevocationRow {
  id: string;
  user_id: string | null;
  project_id: string | null;
  domain_id: string | null;
  role_id: string | null;
  trust_id: string | null;
  audit_id: string | null;
  audit_chain_id: string | null;
  issued_before: string;
  revoked_at: string;
}
