import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError, BadRequest, NotFound } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';
import { callerOf, canSee, enforceVisibility, enforceWrite, loadVisibleImage, notifyImage } from '../image-access.ts';
import { parseCreateBody } from '../image-create.ts';
import { pageOf, parseListQuery } from '../image-list.ts';
import { imageTarget, imageView, notificationPayload } from '../image-view.ts';
import { applyPatch, PATCH_MEDIA_TYPES, parsePatch } from '../json-patch.ts';
import { checkImageCount } from '../quotas.ts';
import { createStaging } from '../staging.ts';
import {
  deleteImageRows,
  findImage,
  type ImageRecord,
  insertImage,
  listImages,
  memberStatusOf,
  updateImage,
} from '../store/images.ts';
import type { ImageRow, Visibility } from '../tables.ts';
import { imageActionsRoutes } from './image-actions.ts';

/** Glance's image_property_quota and image_tag_quota defaults; beyond them Glance answers 413. */
export const PROPERTY_QUOTA = 128;
export const TAG_QUOTA = 128;

interface IdParam {
  image_id: string;
}

export function imagesRoutes(app: ServiceApp, deps: ImageDeps): void {
  app.post('/v2/images', async (req, reply) => {
    const caller = callerOf(req);
    const body = parseCreateBody(req.body);
    checkQuotas(body.properties, body.tags);
    await checkImageCount(deps, caller.projectId);
    const owner = body.attributes.owner === undefined ? caller.projectId : body.attributes.owner;
    const visibility = body.attributes.visibility ?? 'shared';
    const target = { project_id: owner, owner, visibility };
    req.ctx.enforce('add_image', target);
    enforceVisibility(req, visibility, target);
    if (!caller.isAdmin && owner !== caller.projectId)
      throw new ApiError(403, 'Forbidden', `You are not permitted to create images owned by '${owner}'.`);

    const now = new Date().toISOString();
    const { attributes: a } = body;
    const row: ImageRow = {
      id: body.id ?? randomUUID(),
      name: a.name,
      status: 'queued',
      visibility: visibility as Visibility,
      protected: a.protected ? 1 : 0,
      os_hidden: a.os_hidden ? 1 : 0,
      owner,
      disk_format: a.disk_format,
      container_format: a.container_format,
      size: null,
      virtual_size: null,
      checksum: null,
      os_hash_algo: null,
      os_hash_value: null,
      min_disk: a.min_disk,
      min_ram: a.min_ram,
      created_at: now,
      updated_at: now,
    };
    const img: ImageRecord = { row, properties: body.properties, tags: body.tags, locations: [] };
    await insertImage(deps.db, img);
    req.log.info({ image_id: row.id }, 'image created');
    await notifyImage(deps, 'image.create', notificationPayload(img));
    return reply
      .code(201)
      .header('location', deps.url(`/v2/images/${row.id}`))
      .send(imageView(img));
  });

  app.get('/v2/images', async (req) => {
    // `GET /v2/images/` is a show of the empty id in Glance (404), not the list; the router folds the slash away.
    if (req.url.split('?')[0].endsWith('/')) throw new NotFound('No image found with ID .');
    const caller = callerOf(req);
    req.ctx.enforce('get_images', { project_id: caller.projectId });
    const list = parseListQuery(req.query as Record<string, string | string[]>);
    const all = await listImages(deps.db, { ...list.scope, isAdmin: caller.isAdmin, projectId: caller.projectId });
    const markerImage = list.marker === undefined ? undefined : await findMarker(req, deps, list.marker);
    const visible = all.filter((img) => req.ctx.allowed('get_image', imageTarget(img)));
    const { page, nextMarker } = pageOf(visible, list, markerImage);
    const params = new URLSearchParams(req.url.split('?')[1] ?? '');
    params.delete('marker');
    const query = params.toString();
    const body: Record<string, unknown> = {
      images: page.map(imageView),
      first: query ? `/v2/images?${query}` : '/v2/images',
      schema: '/v2/schemas/images',
    };
    if (nextMarker !== undefined) {
      params.set('marker', nextMarker);
      body.next = `/v2/images?${params.toString()}`;
    }
    return body;
  });

  app.get<{ Params: IdParam }>('/v2/images/:image_id', async (req) => {
    const { img } = await loadVisibleImage(req, deps, req.params.image_id);
    return imageView(img);
  });

  // PATCH bodies come in Glance's own media types; the handler, not Fastify, decides which are acceptable (415).
  app.register(async (sub) => {
    sub.addContentTypeParser(Object.keys(PATCH_MEDIA_TYPES), { parseAs: 'string' }, (_req, text, done) => {
      if ((text as string).trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text as string));
      } catch {
        done(new BadRequest('The request body is not valid JSON.'), undefined);
      }
    });
    sub.addContentTypeParser('*', { parseAs: 'string' }, (_req, text, done) => done(null, text));
    sub.patch<{ Params: IdParam }>('/v2/images/:image_id', async (req, reply) => {
      let changes: ReturnType<typeof parsePatch>;
      try {
        changes = parsePatch(req.headers['content-type'], req.body);
      } catch (err) {
        if (err instanceof ApiError && err.status === 415)
          reply.header('accept-patch', Object.keys(PATCH_MEDIA_TYPES).sort().join(', '));
        throw err;
      }
      const seen = await loadVisibleImage(req, deps, req.params.image_id);
      if (changes.length === 0) return imageView(seen.img);
      for (const change of changes) {
        if (change.path[0] === 'visibility' && change.op !== 'remove')
          enforceVisibility(req, change.value, seen.target);
        enforceWrite(req, seen, 'modify_image');
      }
      const { img } = seen;
      const doc = applyPatch(
        {
          status: img.row.status,
          attributes: {
            name: img.row.name,
            visibility: img.row.visibility,
            protected: Boolean(img.row.protected),
            os_hidden: Boolean(img.row.os_hidden),
            disk_format: img.row.disk_format,
            container_format: img.row.container_format,
            min_ram: img.row.min_ram,
            min_disk: img.row.min_disk,
            owner: img.row.owner,
          },
          properties: img.properties,
          tags: img.tags,
        },
        changes,
        { isAdmin: seen.caller.isAdmin },
      );
      checkQuotas(doc.properties, doc.tags);
      const a = doc.attributes;
      const rowChanges: Partial<ImageRow> = {
        name: a.name as string | null,
        visibility: a.visibility as Visibility,
        protected: a.protected ? 1 : 0,
        os_hidden: a.os_hidden ? 1 : 0,
        disk_format: a.disk_format as string | null,
        container_format: a.container_format as string | null,
        min_ram: a.min_ram as number,
        min_disk: a.min_disk as number,
        owner: a.owner as string | null,
        updated_at: new Date().toISOString(),
      };
      await updateImage(deps.db, img.row.id, { row: rowChanges, properties: doc.properties, tags: doc.tags });
      const updated = await findImage(deps.db, img.row.id);
      if (!updated) throw new ApiError(404, 'Not Found', `No image found with ID ${img.row.id}`);
      await notifyImage(deps, 'image.update', notificationPayload(updated));
      return imageView(updated);
    });
  });

  app.delete<{ Params: IdParam }>('/v2/images/:image_id', async (req, reply) => {
    const seen = await loadVisibleImage(req, deps, req.params.image_id);
    enforceWrite(req, seen, 'delete_image');
    const { img } = seen;
    if (img.row.protected)
      throw new ApiError(403, 'Forbidden', `Image ${img.row.id} is protected and cannot be deleted.`);
    const deletedAt = new Date().toISOString();
    // Marked first so that an upload still streaming into this image sees it go and stops.
    await updateImage(deps.db, img.row.id, { row: { status: 'deleted', updated_at: deletedAt } });
    const locations = await deleteImageRows(deps.db, img.row.id);
    for (const loc of locations) {
      const store = deps.stores.get(loc.store);
      try {
        await store?.delete(loc.url);
      } catch (err) {
        // The record is gone either way; leftover bytes are the operator's to clean, as with Glance's scrubber.
        req.log.warn({ err, image_id: img.row.id, store: loc.store }, 'could not delete image data');
      }
    }
    // Data staged for an import that never happened goes with the image.
    const staging = createStaging(deps.config.dataDir);
    await staging.store.delete(staging.urlOf(img.row.id));
    req.log.info({ image_id: img.row.id }, 'image deleted');
    await notifyImage(
      deps,
      'image.delete',
      notificationPayload({ ...img, row: { ...img.row, status: 'deleted' } }, true, deletedAt),
    );
    return reply.code(204).send();
  });

  imageActionsRoutes(app, deps);
}

function checkQuotas(properties: Record<string, string>, tags: readonly string[]): void {
  if (Object.keys(properties).length > PROPERTY_QUOTA)
    throw new ApiError(413, 'Request Entity Too Large', `Maximum number of properties exceeded (${PROPERTY_QUOTA}).`);
  if (tags.length > TAG_QUOTA)
    throw new ApiError(413, 'Request Entity Too Large', `Maximum number of tags exceeded (${TAG_QUOTA}).`);
}

/** Glance looks the marker up with the caller's visibility; a marker the caller cannot see is 400. */
async function findMarker(req: FastifyRequest, deps: ImageDeps, marker: string): Promise<ImageRecord> {
  const caller = callerOf(req);
  const img = await findImage(deps.db, marker);
  if (img) {
    if (canSee(img, caller, await memberStatusOf(deps.db, marker, caller.projectId))) return img;
  }
  throw new BadRequest(`Marker ${marker} not found`);
}
