import type { ServiceApp } from '../../core/http/service.ts';
import { MAX_VERSION, MIN_VERSION } from '../microversion.ts';

/** GET /placement/: the one version document, readable without a token (clients discover 1.39 from it). */
export function versionRoutes(app: ServiceApp): void {
  app.get('/', { config: { public: true } }, async () => ({
    versions: [
      {
        id: 'v1.0',
        max_version: MAX_VERSION,
        min_version: MIN_VERSION,
        status: 'CURRENT',
        // Relative, as Placement writes it: "this same URL", whatever proxy the client came through.
        links: [{ rel: 'self', href: '' }],
      },
    ],
  }));
}
