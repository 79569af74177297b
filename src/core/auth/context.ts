/**
 * Who is calling: what a validated token says. Every service receives this from the auth hook; none of
 * them needs to know how Identity produced it.
 */
export interface AuthContext {
  token: string;
  userId: string;
  userName: string;
  userDomainId: string;
  userDomainName: string;
  scope: 'project' | 'domain' | 'system' | 'unscoped';
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  projectDomainName?: string;
  domainId?: string;
  domainName?: string;
  roles: { id: string; name: string }[];
  /** Keystone's admin-project flag: tokens scoped to the configured admin project. */
  isAdminProject: boolean;
  methods: string[];
  expiresAt: string;
  issuedAt: string;
  auditIds: string[];
  trustId?: string;
  appCredId?: string;
}

/** Turns a token into who is calling; throws `Unauthorized` for a bad, expired or revoked token. */
export interface TokenValidator {
  validate(token: string): Promise<AuthContext>;
}

/**
 * The credentials dict oslo.policy rules read (`role:admin`, `project_id:%(project_id)s`,
 * `token.domain.id:%(target.domain.id)s`, `system_scope:all`), built the way Keystone builds it.
 */
export function policyCredentials(auth: AuthContext): Record<string, unknown> {
  return {
    user_id: auth.userId,
    user_domain_id: auth.userDomainId,
    project_id: auth.projectId ?? null,
    // Neutron's rules name the project `tenant_id` (`tenant_id:%(tenant_id)s`).
    tenant_id: auth.projectId ?? null,
    project_domain_id: auth.projectDomainId ?? null,
    domain_id: auth.domainId ?? null,
    roles: auth.roles.map((r) => r.name),
    system_scope: auth.scope === 'system' ? 'all' : null,
    is_admin_project: auth.isAdminProject,
    trust_id: auth.trustId ?? null,
    token: {
      user_id: auth.userId,
      user: { id: auth.userId, domain: { id: auth.userDomainId } },
      project: auth.projectId ? { id: auth.projectId, domain: { id: auth.projectDomainId } } : undefined,
      domain: auth.domainId ? { id: auth.domainId } : undefined,
      is_admin_project: auth.isAdminProject,
      system: auth.scope === 'system' ? { all: true } : undefined,
    },
  };
}
