import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { ServiceModule } from '../core/http/service.ts';
import { imageDataRoutes } from './api/image-data.ts';
import { imageImportRoutes } from './api/image-import.ts';
import { imagesRoutes } from './api/images.ts';
import { infoRoutes } from './api/info.ts';
import { membersRoutes } from './api/members.ts';
import { schemasRoutes } from './api/schemas.ts';
import { tagsRoutes } from './api/tags.ts';
import { versionRoutes } from './api/versions.ts';
import type { ImageDeps } from './deps.ts';
import { createFileStore } from './drivers/file/index.ts';
import { glanceErrorBody } from './errors.ts';
import * as m0001 from './migrations/0001-initial.ts';
import { imagePolicies } from './policies.ts';
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
];

/** Image (Glance v2): image records, their data in stores, sharing and import. */
export const image: ServiceModule = {
  name: 'image',
  prefix: '/image',
  // Glance's catalog URL carries no version; clients discover /v2 from the root document.
  catalog: { type: 'image', name: 'glance', path: '' },
  migrations: { '0001-initial': m0001 },
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
    };
    return {
      routes: (app) => {
        for (const register of ROUTES) register(app, deps);
      },
      describe: () => [`image: stores ${[...deps.stores.keys()].join(', ')} (default ${deps.defaultStore})`],
    };
  },
};
