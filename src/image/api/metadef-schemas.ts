import type { ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';
import { METADEF_SCHEMAS } from '../metadef-schema.ts';

/** GET /v2/schemas/metadefs/{name}: any authenticated caller may read them (Glance applies no rule). */
export function metadefSchemasRoutes(app: ServiceApp, _deps: ImageDeps): void {
  for (const [name, schema] of Object.entries(METADEF_SCHEMAS)) {
    app.get(`/v2/schemas/metadefs/${name}`, async () => schema);
  }
}
