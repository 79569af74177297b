import { ApiError } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';
import { enforceWrite, loadVisibleImage, notifyImage } from '../image-access.ts';
import { notificationPayload } from '../image-view.ts';
import { findImage, transitionStatus } from '../store/images.ts';
import type { ImageStatus } from '../tables.ts';

interface IdParam {
  image_id: string;
}

/**
 * Deactivation hides an active image's data (downloads answer 403) without deleting it. Repeating either action
 * is a no-op; from any other status Glance's domain model refuses with 403.
 */
const ACTIONS = {
  deactivate: { from: 'active', to: 'deactivated' },
  reactivate: { from: 'deactivated', to: 'active' },
} as const satisfies Record<string, { from: ImageStatus; to: ImageStatus }>;

export function imageActionsRoutes(app: ServiceApp, deps: ImageDeps): void {
  for (const [action, { from, to }] of Object.entries(ACTIONS)) {
    app.post<{ Params: IdParam }>(`/v2/images/:image_id/actions/${action}`, async (req, reply) => {
      const seen = await loadVisibleImage(req, deps, req.params.image_id);
      enforceWrite(req, seen, action);
      const { status, id } = seen.img.row;
      if (status === to) return reply.code(204).send();
      if (status !== from || !(await transitionStatus(deps.db, id, from, to, new Date().toISOString())))
        throw new ApiError(403, 'Forbidden', `Not allowed to ${action} image in status '${status}'`);
      req.log.info({ image_id: id }, `image ${to}`);
      const updated = await findImage(deps.db, id);
      if (updated) await notifyImage(deps, 'image.update', notificationPayload(updated));
      return reply.code(204).send();
    });
  }
}
