import type { ImageDb, TaskRow, TaskStatus } from '../tables.ts';

// Glance's task_time_to_live: a finished task is shown for 48 hours.
const TASK_TTL_MS = 48 * 3600 * 1000;

export async function insertTask(db: ImageDb, row: TaskRow): Promise<void> {
  await db.insertInto('image_tasks').values(row).execute();
}

/** Moves a task on; a finished one (success or failure) gets its expiry. */
export async function setTaskStatus(
  db: ImageDb,
  id: string,
  status: TaskStatus,
  outcome: { message?: string; result?: unknown } = {},
): Promise<void> {
  const now = new Date();
  const finished = status === 'success' || status === 'failure';
  await db
    .updateTable('image_tasks')
    .set({
      status,
      updated_at: now.toISOString(),
      ...(outcome.message !== undefined ? { message: outcome.message } : {}),
      ...(outcome.result !== undefined ? { result: JSON.stringify(outcome.result) } : {}),
      ...(finished ? { expires_at: new Date(now.getTime() + TASK_TTL_MS).toISOString() } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function findTask(db: ImageDb, id: string): Promise<TaskRow | undefined> {
  return db.selectFrom('image_tasks').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Tasks not yet expired, oldest first; `owner` undefined lists everyone's (admin). */
export async function listTasks(
  db: ImageDb,
  filter: { imageId?: string; owner?: string; status?: TaskStatus; type?: string },
): Promise<TaskRow[]> {
  const now = new Date().toISOString();
  let q = db
    .selectFrom('image_tasks')
    .selectAll()
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at')
    .orderBy('id');
  if (filter.imageId !== undefined) q = q.where('image_id', '=', filter.imageId);
  if (filter.owner !== undefined) q = q.where('owner', '=', filter.owner);
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  if (filter.type !== undefined) q = q.where('type', '=', filter.type);
  return q.execute();
}
