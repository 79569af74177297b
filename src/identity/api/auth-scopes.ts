import { Forbidden } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { catalogFor } from '../catalog.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { scopesOf } from '../scopes.ts';

/** What the caller's own token lets them reach: `/v3/auth/{catalog,projects,domains,system}`. */
export function authScopeRoutes(app: ServiceApp, deps: IdentityDeps): void {
  app.get('/v3/auth/catalog', async (req) => {
    const auth = req.ctx.requireAuth();
    req.ctx.enforce('identity:get_auth_catalog');
    if (auth.scope === 'unscoped') throw new Forbidden('The catalog requires a scoped token.');
    return { catalog: await catalogFor(deps, auth.projectId), links: collectionLinks(deps, '/auth/catalog') };
  });

  app.get('/v3/auth/projects', async (req) => {
    const auth = req.ctx.requireAuth();
    req.ctx.enforce('identity:get_auth_projects');
    const { projects } = await scopesOf(deps.db, auth.userId);
    return {
      projects: projects.map((p) => ({ ...p, links: { self: deps.url(`/projects/${p.id}`) } })),
      links: collectionLinks(deps, '/auth/projects'),
    };
  });

  app.get('/v3/auth/domains', async (req) => {
    const auth = req.ctx.requireAuth();
    req.ctx.enforce('identity:get_auth_domains');
    const { domains } = await scopesOf(deps.db, auth.userId);
    return {
      domains: domains.map((d) => ({ ...d, links: { self: deps.url(`/domains/${d.id}`) } })),
      links: collectionLinks(deps, '/auth/domains'),
    };
  });

  app.get('/v3/auth/system', async (req) => {
    const auth = req.ctx.requireAuth();
    req.ctx.enforce('identity:get_auth_system');
    const { system } = await scopesOf(deps.db, auth.userId);
    return { system: system ? [{ all: true }] : [], links: collectionLinks(deps, '/auth/system') };
  });
}
