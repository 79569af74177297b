import { type Static, Type } from '@sinclair/typebox';
import { BadRequest } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';
import { IMPORT_METHODS, type ImportMethod, prepareImport } from '../import-methods.ts';
import { stageAllowance } from '../quotas.ts';
import { createStaging, stageImageData } from '../staging.ts';
import { visibleImage } from '../store/members.ts';
import { requireOwner } from './image-data.ts';
import { acceptRawData, callerOf, imageTarget, incomingData, RAW_ROUTE } from './raw-data.ts';

const ImageParam = Type.Object({ image_id: Type.String({ maxLength: 255 }) });
type ImageParam = Static<typeof ImageParam>;

// Glance validates only these fields and passes any other `method` parameter (uri, glance_region…) through.
const ImportBody = Type.Object({
  method: Type.Object({ name: Type.String() }),
  stores: Type.Optional(Type.Array(Type.String())),
  all_stores: Type.Optional(Type.Boolean()),
  all_stores_must_succeed: Type.Optional(Type.Boolean()),
});
type ImportBody = Static<typeof ImportBody>;

export function imageImportRoutes(app: ServiceApp, deps: ImageDeps): void {
  const staging = createStaging(deps.config.dataDir);

  app.register(async (scope) => {
    acceptRawData(scope);
    // Glance's stage has no rule of its own: it is a modification of the image, by its owner.
    scope.put<{ Params: ImageParam }>(
      '/v2/images/:image_id/stage',
      { schema: { params: ImageParam }, ...RAW_ROUTE },
      async (req, reply) => {
        const caller = callerOf(req.ctx);
        const { image, membership } = await visibleImage(deps.db, req.params.image_id, caller);
        req.ctx.enforce('modify_image', imageTarget(image, membership));
        requireOwner(caller, image);
        const maxBytes = await stageAllowance(deps, caller.projectId);
        await stageImageData(deps, staging, image, { ...incomingData(req), maxBytes });
        return reply.code(204).send();
      },
    );
  });

  app.post<{ Params: ImageParam; Body: ImportBody }>(
    '/v2/images/:image_id/import',
    { schema: { params: ImageParam, body: ImportBody } },
    async (req, reply) => {
      const name = req.body.method.name;
      if (!(IMPORT_METHODS as readonly string[]).includes(name))
        throw new BadRequest(`Unknown import method name '${name}'.`);
      const caller = callerOf(req.ctx);
      const { image, membership } = await visibleImage(deps.db, req.params.image_id, caller);
      if (name === 'copy-image') req.ctx.enforce('copy_image', imageTarget(image, membership));
      else {
        req.ctx.enforce('modify_image', imageTarget(image, membership));
        requireOwner(caller, image);
      }
      const work = await prepareImport(deps, staging, image, {
        method: name as ImportMethod,
        stores: req.body.stores,
        allStores: req.body.all_stores ?? false,
        projectId: caller.projectId,
        userId: req.ctx.requireAuth().userId ?? null,
        requestId: req.id,
        body: req.body,
      });
      // The import runs after the 202, as Glance's task does; clients poll the image's status. Failures
      // are handled and logged inside the work itself.
      if (work) setImmediate(() => void work());
      return reply.code(202).send();
    },
  );
}
