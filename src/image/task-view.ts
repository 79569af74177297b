import { isoTime } from './image-view.ts';
import type { TaskRow } from './tables.ts';

/** A task as GET /v2/tasks/{id} shows it (Glance's `task` schema). */
export function taskView(row: TaskRow): Record<string, unknown> {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    input: JSON.parse(row.input),
    result: row.result === null ? null : JSON.parse(row.result),
    owner: row.owner,
    message: row.message,
    expires_at: row.expires_at === null ? null : isoTime(row.expires_at),
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
    self: `/v2/tasks/${row.id}`,
    schema: '/v2/schemas/task',
  };
}

/** GET /v2/images/{id}/tasks (API 2.12) adds who asked for it and the request that did. */
export function imageTaskView(row: TaskRow): Record<string, unknown> {
  return { ...taskView(row), image_id: row.image_id, request_id: row.request_id, user_id: row.user_id };
}

/** The task list leaves out the (possibly large) input and result, as Glance's does. */
export function taskSummary(row: TaskRow): Record<string, unknown> {
  const { input: _input, result: _result, ...rest } = taskView(row);
  return rest;
}
