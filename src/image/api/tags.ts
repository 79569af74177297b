import { ApiError, NotFound } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';
import { enforceWrite, loadVisibleImage, notifyImage } from '../image-access.ts';
import { notificationPayload } from '../image-view.ts';
import { addTag, findImage, removeTag } from '../store/images.ts';
import { TAG_QUOTA } from './images.ts';

interface TagParams {
  image_id: string;
  tag_value: string;
}

/** PUT and DELETE /v2/images/{id}/tags/{tag}: tags are a set, so adding one twice is fine. */
export function tagsRoutes(app: ServiceApp, deps: ImageDeps): void {
  app.put<{ Params: TagParams }>('/v2/images/:image_id/tags/:tag_value', async (req, reply) => {
    const seen = await loadVisibleImage(req, deps, req.params.image_id);
    enforceWrite(req, seen, 'modify_image');
    const tag = req.params.tag_value;
    // The image schema's limit; Glance answers 400 for a longer tag.
    if ([...tag].length > 255) throw new ApiError(400, 'Bad Request', `Invalid tag: longer than 255 characters.`);
    if (!seen.img.tags.includes(tag) && seen.img.tags.length >= TAG_QUOTA)
      throw new ApiError(413, 'Request Entity Too Large', `Maximum number of tags exceeded (${TAG_QUOTA}).`);
    await addTag(deps.db, seen.img.row.id, tag, new Date().toISOString());
    await notifyUpdate(deps, seen.img.row.id);
    return reply.code(204).send();
  });

  app.delete<{ Params: TagParams }>('/v2/images/:image_id/tags/:tag_value', async (req, reply) => {
    const seen = await loadVisibleImage(req, deps, req.params.image_id);
    enforceWrite(req, seen, 'modify_image');
    if (!(await removeTag(deps.db, seen.img.row.id, req.params.tag_value, new Date().toISOString())))
      throw new NotFound(`Tag ${req.params.tag_value} not found.`);
    await notifyUpdate(deps, seen.img.row.id);
    return reply.code(204).send();
  });
}

async function notifyUpdate(deps: ImageDeps, id: string): Promise<void> {
  const img = await findImage(deps.db, id);
  if (img) await notifyImage(deps, 'image.update', notificationPayload(img));
}
