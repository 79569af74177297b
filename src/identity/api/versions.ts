import type { ServiceApp } from '../../core/http/service.ts';
import type { IdentityDeps } from '../deps.ts';

/** Identity API v3.14 (Ussuri onwards; nothing later changed the version number). */
function v3(deps: IdentityDeps) {
  return {
    id: 'v3.14',
    status: 'stable',
    updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${deps.url('')}/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

export function versionRoutes(app: ServiceApp, deps: IdentityDeps): void {
  // Keystone answers the unversioned root with 300 Multiple Choices.
  app.get('/', { config: { public: true } }, async (_req, reply) =>
    reply.code(300).send({ versions: { values: [v3(deps)] } }),
  );
  app.get('/v3', { config: { public: true } }, async () => ({ version: v3(deps) }));
}
