import type { ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';

/** Glance's supported API versions; 2.16 is Zed's (2.9 onwards adds nothing clients negotiate on). */
const VERSIONS = [
  '2.16',
  '2.15',
  '2.14',
  '2.13',
  '2.12',
  '2.11',
  '2.10',
  '2.9',
  '2.8',
  '2.7',
  '2.6',
  '2.5',
  '2.4',
  '2.3',
  '2.2',
  '2.1',
  '2.0',
];

function versions(deps: ImageDeps) {
  return VERSIONS.map((v, i) => ({
    id: `v${v}`,
    status: i === 0 ? 'CURRENT' : 'SUPPORTED',
    links: [{ rel: 'self', href: `${deps.url('/v2')}/` }],
  }));
}

export function versionRoutes(app: ServiceApp, deps: ImageDeps): void {
  // Glance answers its root (and /versions) with 300 Multiple Choices; clients pick v2 from it.
  app.get('/', { config: { public: true } }, async (_req, reply) => reply.code(300).send({ versions: versions(deps) }));
  app.get('/versions', { config: { public: true } }, async () => ({ versions: versions(deps) }));
}
