import type { ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';
import { IMAGE_SCHEMA, IMAGES_SCHEMA, MEMBER_SCHEMA, MEMBERS_SCHEMA } from '../image-schema.ts';

const SCHEMAS = { image: IMAGE_SCHEMA, images: IMAGES_SCHEMA, member: MEMBER_SCHEMA, members: MEMBERS_SCHEMA };

/** GET /v2/schemas/{name}: any authenticated caller may read them (Glance applies no policy rule). */
export function schemasRoutes(app: ServiceApp, _deps: ImageDeps): void {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    app.get(`/v2/schemas/${name}`, async () => schema);
  }
}
