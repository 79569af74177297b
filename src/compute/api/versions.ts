import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { MAX_VERSION, MIN_VERSION } from '../microversion.ts';

const UPDATED = '2013-07-23T11:33:21Z';
const MEDIA_TYPES = [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }];

function v21(deps: ComputeDeps, withMedia: boolean): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    id: 'v2.1',
    status: 'CURRENT',
    version: MAX_VERSION,
    min_version: MIN_VERSION,
    updated: UPDATED,
    links: [
      { rel: 'self', href: deps.url('/v2.1/') },
      ...(withMedia ? [{ rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' }] : []),
    ],
  };
  if (withMedia) entry['media-types'] = MEDIA_TYPES;
  return entry;
}

function v20(deps: ComputeDeps, withMedia = false): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    id: 'v2.0',
    status: 'SUPPORTED',
    version: '',
    min_version: '',
    updated: '2011-01-21T11:33:21Z',
    links: [{ rel: 'self', href: deps.url('/v2/') }],
  };
  if (withMedia)
    entry['media-types'] = [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2' }];
  return entry;
}

/** Version discovery: GET /compute/ lists the API versions, GET /compute/v2.1 describes the current one. */
export function versionsRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const pub = { config: { public: true } };
  app.get('/', pub, async () => ({ versions: [v20(deps), v21(deps, false)] }));
  // The router ignores trailing slashes: this also serves /v2.1/.
  app.get('/v2.1', pub, async () => ({ version: v21(deps, true) }));
  // Tempest follows every listed self link; the legacy v2.0 API itself is not served, only its document.
  app.get('/v2', pub, async () => ({ version: v20(deps, true) }));
}
