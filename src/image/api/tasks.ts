import { type Static, Type } from '@sinclair/typebox';
import { NotFound } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';
import { loadVisibleImage } from '../image-access.ts';
import { findTask, listTasks } from '../store/tasks.ts';
import { imageTaskView, taskSummary, taskView } from '../task-view.ts';

const TaskParam = Type.Object({ task_id: Type.String({ maxLength: 255 }) });
const ImageParam = Type.Object({ image_id: Type.String({ maxLength: 255 }) });
const TaskQuery = Type.Object({
  status: Type.Optional(
    Type.Union([Type.Literal('pending'), Type.Literal('processing'), Type.Literal('success'), Type.Literal('failure')]),
  ),
  type: Type.Optional(Type.String({ maxLength: 30 })),
});

/**
 * Glance's tasks: every import records one. GET /v2/images/{id}/tasks shows an image's tasks to whoever sees
 * the image; the deprecated /v2/tasks API is admin-only (`tasks_api_access`), as Glance ships it. Creating
 * tasks through POST /v2/tasks is not offered: its only type downloads from a URL, which Strata does not do.
 */
export function tasksRoutes(app: ServiceApp, deps: ImageDeps): void {
  app.get<{ Params: Static<typeof ImageParam> }>(
    '/v2/images/:image_id/tasks',
    { schema: { params: ImageParam } },
    async (req) => {
      const seen = await loadVisibleImage(req, deps, req.params.image_id);
      const tasks = await listTasks(deps.db, { imageId: seen.img.row.id });
      return { tasks: tasks.map(imageTaskView) };
    },
  );

  app.get<{ Querystring: Static<typeof TaskQuery> }>(
    '/v2/tasks',
    { schema: { querystring: TaskQuery } },
    async (req) => {
      req.ctx.enforce('tasks_api_access', {});
      req.ctx.enforce('get_tasks', {});
      const tasks = await listTasks(deps.db, { status: req.query.status, type: req.query.type });
      return { tasks: tasks.map(taskSummary), first: '/v2/tasks', schema: '/v2/schemas/tasks' };
    },
  );

  app.get<{ Params: Static<typeof TaskParam> }>(
    '/v2/tasks/:task_id',
    { schema: { params: TaskParam } },
    async (req) => {
      req.ctx.enforce('tasks_api_access', {});
      req.ctx.enforce('get_task', {});
      const task = await findTask(deps.db, req.params.task_id);
      if (!task) throw new NotFound(`Task with identifier ${req.params.task_id} not found`);
      return taskView(task);
    },
  );
}
