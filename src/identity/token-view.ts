import type { AuthContext } from '../core/auth/context.ts';
import { isoNow } from '../core/ids.ts';
import { catalogFor } from './catalog.ts';
import type { IdentityDeps } from './deps.ts';
import { parseList, toBool } from './rows.ts';
import { enabledServiceProviders } from './store/federation-service-providers.ts';
import type { ProjectRow } from './tables.ts';
import type { TokenData } from './token-model.ts';

const ref = (p: ProjectRow) => ({ id: p.id, name: p.name });

/** The `token` object of Keystone's token responses. */
export async function tokenBody(deps: IdentityDeps, t: TokenData, opts: { catalog: boolean }) {
  const body: Record<string, unknown> = {
    methods: t.payload.methods,
    user: {
      domain: ref(t.userDomain),
      id: t.user.id,
      name: t.user.name,
      password_expires_at: t.user.password_expires_at,
    },
    audit_ids: t.payload.auditIds,
    expires_at: isoNow(new Date(t.payload.expiresAt)),
    issued_at: isoNow(new Date(t.issuedAt)),
  };
  if (t.project && t.projectDomain) {
    body.project = { domain: ref(t.projectDomain), ...ref(t.project) };
    body.is_domain = false;
  }
  if (t.domain) body.domain = ref(t.domain);
  if (t.system) body.system = { all: true };
  if (t.payload.scope.kind !== 'unscoped') body.roles = t.roles.map((r) => ({ id: r.id, name: r.name }));
  if (t.trust) {
    body['OS-TRUST:trust'] = {
      id: t.trust.id,
      impersonation: toBool(t.trust.impersonation),
      trustee_user: { id: t.trust.trustee_user_id },
      trustor_user: { id: t.trust.trustor_user_id },
    };
  }
  if (t.appCred) {
    body.application_credential = {
      id: t.appCred.id,
      name: t.appCred.name,
      restricted: !toBool(t.appCred.unrestricted),
      ...(parseList(t.appCred.access_rules).length > 0 && { access_rules: await accessRules(deps, t) }),
    };
  }
  if (opts.catalog && t.payload.scope.kind !== 'unscoped') body.catalog = await catalogFor(deps, t.project?.id);
  // Keystone lists the enabled K2K service providers in every token, and leaves the key out when there are none.
  // On every issue and validation, so read once and kept until the next identity write.
  let serviceProviders = deps.serviceProviders.get('');
  if (!serviceProviders) {
    serviceProviders = await enabledServiceProviders(deps.db);
    deps.serviceProviders.set('', serviceProviders);
  }
  if (serviceProviders.length > 0) body.service_providers = serviceProviders;
  return body;
}

async function accessRules(deps: IdentityDeps, t: TokenData) {
  const ids = parseList(t.appCred?.access_rules);
  const rows = await deps.db.selectFrom('access_rules').selectAll().where('id', 'in', ids).execute();
  return rows.map((r) => ({ id: r.id, service: r.service, path: r.path, method: r.method }));
}

/** What the rest of the cloud learns about the caller from a token. */
export function authContextOf(t: TokenData): AuthContext {
  const scope = t.payload.scope.kind;
  return {
    token: t.token,
    userId: t.user.id,
    userName: t.user.name,
    userDomainId: t.userDomain.id,
    userDomainName: t.userDomain.name,
    scope: scope === 'trust' || scope === 'application_credential' ? 'project' : scope,
    projectId: t.project?.id,
    projectName: t.project?.name,
    projectDomainId: t.projectDomain?.id,
    projectDomainName: t.projectDomain?.name,
    domainId: t.domain?.id,
    domainName: t.domain?.name,
    roles: t.roles.map((r) => ({ id: r.id, name: r.name })),
    isAdminProject: false,
    methods: t.payload.methods,
    expiresAt: new Date(t.payload.expiresAt).toISOString(),
    issuedAt: new Date(t.issuedAt).toISOString(),
    auditIds: t.payload.auditIds,
    trustId: t.trust?.id,
    appCredId: t.appCred?.id,
  };
}
