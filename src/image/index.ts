import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { ServiceInstance, ServiceModule } from '../core/http/service.ts';
import { UnifiedLimits } from '../core/quotas/unified-limits.ts';
import { imageDataRoutes } from './api/image-data.ts';
import { imageImportRoutes } from './api/image-import.ts';
import { imagesRoutes } from './api/images.ts';
import { infoRoutes } from './api/info.ts';
import { membersRoutes } from './api/members.ts';
import { metadefNamespacesRoutes } from './api/metadef-namespaces.ts';
import { metadefObjectsRoutes } from './api/metadef-objects.ts';
import { metadefPropertiesRoutes } from './api/metadef-properties.ts';
import { metadefResourceTypesRoutes } from './api/metadef-resource-types.ts';
import { metadefSchemasRoutes } from './api/metadef-schemas.ts';
import { metadefTagsRoutes } from './api/metadef-tags.ts';
import { schemasRoutes } from './api/schemas.ts';
import { tagsRoutes } from './api/tags.ts';
import { tasksRoutes } from './api/tasks.ts';
import { versionRoutes } from './api/versions.ts';
import type { ImageDeps } from './deps.ts';
import { createFileStore } from './drivers/file/index.ts';
import { glanceErrorBody } from './errors.ts';
import * as m0001 from './migrations/0001-initial.ts';
import * as m0002 from './migrations/0002-metadefs.ts';
import * as m0003 from './migrations/0003-tasks.ts';
import { imagePolicies } from './policies.ts';
import { type SeedImage, seedImage } from './seed-image.ts';
import type { ImageTables } from './tables.ts';

const ROUTES = [
  versionRoutes,
  schemasRoutes,
  infoRoutes,
  imagesRoutes,
  imageDataRoutes,
  imageImportRoutes,
  tagsRoutes,
  membersRoutes,
  tasksRoutes,
  metadefSchemasRoutes,
  metadefNamespacesRoutes,
  metadefObjectsRoutes,
  metadefPropertiesRoutes,
  metadefTagsRoutes,
  metadefResourceTypesRoutes,
];

/** Image (Glance v2): image records, their data in stores, sharing and import. */
export interface ImageInstance extends ServiceInstance {
  /** Uploads an operator-built file as a public image, once per version of the file (seed-image.ts). */
  seed(image: SeedImage): Promise<{ id: string; uploaded: boolean }>;
}

export const image: ServiceModule<ImageInstance> = {
  name: 'image',
  prefix: '/image',
  // Glance's catalog URL carries no version; clients discover /v2 from the root document.
  catalog: { type: 'image', name: 'glance', path: '' },
  migrations: { '0001-initial': m0001, '0002-metadefs': m0002, '0003-tasks': m0003 },
  policies: imagePolicies,
  errorBody: glanceErrorBody,

  async create(ctx) {
    const fileStore = createFileStore(join(ctx.config.dataDir, 'images'));
    const deps: ImageDeps = {
      db: ctx.db as Kysely<ImageTables>,
      config: ctx.config,
      bus: ctx.bus,
      log: ctx.log,
      url: (path) => `${ctx.publicUrl()}/image${path}`,
      stores: new Map([[fileStore.name, fileStore]]),
      defaultStore: fileStore.name,
      limits: new UnifiedLimits(ctx.bus, 'image', ctx.log),
    };
    return {
      routes: (app) => {
        for (const register of ROUTES) register(app, deps);
      },
      seed: (seed) => seedImage(deps, seed),
      describe: () => [`image: stores ${[...deps.stores.keys()].join(', ')} (default ${deps.defaultStore})`],
    };
  },
};
