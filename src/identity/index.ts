import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { ServiceInstance, ServiceModule } from '../core/http/service.ts';
import { applicationCredentialsRoutes } from './api/application-credentials.ts';
import { authScopeRoutes } from './api/auth-scopes.ts';
import { authTokenRoutes } from './api/auth-tokens.ts';
import { credentialsRoutes } from './api/credentials.ts';
import { domainConfigRoutes } from './api/domain-config.ts';
import { domainsRoutes } from './api/domains.ts';
import { endpointGroupsRoutes } from './api/endpoint-groups.ts';
import { endpointsRoutes } from './api/endpoints.ts';
import { federationIdentityProvidersRoutes } from './api/federation-identity-providers.ts';
import { federationMappingsRoutes } from './api/federation-mappings.ts';
import { federationProtocolsRoutes } from './api/federation-protocols.ts';
import { federationServiceProvidersRoutes } from './api/federation-service-providers.ts';
import { grantsRoutes } from './api/grants.ts';
import { groupsRoutes } from './api/groups.ts';
import { impliedRolesRoutes } from './api/implied-roles.ts';
import { limitsRoutes } from './api/limits.ts';
import { oauth1AccessTokensRoutes } from './api/oauth1-access-tokens.ts';
import { oauth1ConsumersRoutes } from './api/oauth1-consumers.ts';
import { oauth1TokensRoutes } from './api/oauth1-tokens.ts';
import { policyBlobsRoutes } from './api/policy-blobs.ts';
import { projectEndpointsRoutes } from './api/project-endpoints.ts';
import { projectsRoutes } from './api/projects.ts';
import { regionsRoutes } from './api/regions.ts';
import { roleAssignmentsRoutes } from './api/role-assignments.ts';
import { rolesRoutes } from './api/roles.ts';
import { servicesRoutes } from './api/services.ts';
import { trustsRoutes } from './api/trusts.ts';
import { usersRoutes } from './api/users.ts';
import { versionRoutes } from './api/versions.ts';
import { type BootstrapSpec, bootstrap } from './bootstrap.ts';
import type { CatalogEntry } from './catalog.ts';
import type { IdentityDeps } from './deps.ts';
import { keystoneErrorBody } from './errors.ts';
import { loadKeys, rotateKeys, setupKeyRepository } from './fernet-keys.ts';
import * as m0001 from './migrations/0001-initial.ts';
import * as m0002 from './migrations/0002-extensions.ts';
import * as m0003 from './migrations/0003-limit-uniqueness.ts';
import * as m0004 from './migrations/0004-security-compliance.ts';
import { notifyWrites } from './notifications.ts';
import { hashPassword } from './passwords.ts';
import { identityPolicies } from './policies.ts';
import { serveLimits } from './project-limits.ts';
import { RevocationList } from './revocations.ts';
import type { ServiceProviderRef } from './store/federation-service-providers.ts';
import type { IdentityTables } from './tables.ts';
import { IdentityCache } from './token-cache.ts';
import { type TokenData, validateToken } from './token-model.ts';
import { authContextOf } from './token-view.ts';

const ROUTES = [
  versionRoutes,
  authTokenRoutes,
  authScopeRoutes,
  domainsRoutes,
  projectsRoutes,
  usersRoutes,
  groupsRoutes,
  rolesRoutes,
  impliedRolesRoutes,
  grantsRoutes,
  roleAssignmentsRoutes,
  regionsRoutes,
  servicesRoutes,
  endpointsRoutes,
  credentialsRoutes,
  applicationCredentialsRoutes,
  trustsRoutes,
  limitsRoutes,
  policyBlobsRoutes,
  oauth1ConsumersRoutes,
  oauth1TokensRoutes,
  oauth1AccessTokensRoutes,
  endpointGroupsRoutes,
  projectEndpointsRoutes,
  domainConfigRoutes,
  federationIdentityProvidersRoutes,
  federationProtocolsRoutes,
  federationMappingsRoutes,
  federationServiceProvidersRoutes,
];

export const keyRepository = (dataDir: string) => join(dataDir, 'fernet-keys');

export interface IdentityInstance extends ServiceInstance {
  /** `keystone-manage bootstrap`: run by `strata start` once the listener (and so the catalog URLs) is known. */
  bootstrap(
    spec: Omit<BootstrapSpec, 'catalog'>,
  ): Promise<{ adminUserId: string; adminProjectId: string; created: boolean }>;
}

/** Identity (Keystone v3): tokens, the catalog, and who may do what, for every other service. */
export const identity: ServiceModule<IdentityInstance> = {
  name: 'identity',
  prefix: '/identity',
  catalog: { type: 'identity', name: 'keystone', path: '/v3' },
  migrations: {
    '0001-initial': m0001,
    '0002-extensions': m0002,
    '0003-limit-uniqueness': m0003,
    '0004-security-compliance': m0004,
  },
  policies: identityPolicies,
  errorBody: keystoneErrorBody,

  async create(ctx) {
    const keyDir = keyRepository(ctx.config.dataDir);
    await setupKeyRepository(keyDir);
    // Rotation (`strata identity rotate-keys`) takes effect when the server restarts, as documented there.
    const keys = await loadKeys(keyDir);
    const db = ctx.db as Kysely<IdentityTables>;
    const anyWrite = () => true;
    const cacheMs = ctx.config.identity.authCacheMs;
    const validated = new IdentityCache<TokenData>(ctx.bus, { ttlMs: cacheMs, clearOn: anyWrite });
    const catalogs = new IdentityCache<CatalogEntry[]>(ctx.bus, { ttlMs: cacheMs, max: 1000, clearOn: anyWrite });
    const serviceProviders = new IdentityCache<ServiceProviderRef[]>(ctx.bus, {
      ttlMs: cacheMs,
      max: 1,
      clearOn: anyWrite,
    });
    const deps: IdentityDeps = {
      db,
      config: ctx.config,
      bus: ctx.bus,
      log: ctx.log,
      url: (path) => `${ctx.publicUrl()}/identity/v3${path}`,
      keys: () => keys,
      revocations: new RevocationList({ db, bus: ctx.bus, config: ctx.config }, [
        validated,
        catalogs,
        serviceProviders,
      ]),
      validated,
      catalogs,
      serviceProviders,
      // Made on first use: hashing at start-up would cost every start a full scrypt.
      dummyHash: memo(() => hashPassword('', ctx.config.identity.scrypt)),
    };
    serveLimits(ctx.bus, db, ctx.config.region);
    return {
      routes: (app) => {
        notifyWrites(app, deps);
        for (const register of ROUTES) register(app, deps);
      },
      tokenValidator: { validate: async (token) => authContextOf(await validateToken(deps, token, 'auth')) },
      bootstrap: (spec) => bootstrap(deps, { ...spec, catalog: ctx.catalog() }),
      describe: () => [`identity: Fernet keys in ${keyDir}, ${keys.length} active`],
    };
  },
};

function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

export async function rotateIdentityKeys(dataDir: string, maxActiveKeys: number): Promise<number> {
  return (await rotateKeys(keyRepository(dataDir), maxActiveKeys)).primary;
}
