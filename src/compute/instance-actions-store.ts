import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { ComputeTables } from './tables.ts';

type Db = Kysely<ComputeTables> | Transaction<ComputeTables>;

/**
 * Nova's instance actions and their events: what `os-instance-actions` lists (task F reads these tables).
 * One action per API request (`request_id` = the request's x-openstack-request-id); the agent and the conductor
 * add events (`compute_reboot_instance`, `conductor_schedule_and_build_instances`) with start/finish and result.
 */
export interface ActionOwner {
  request_id: string;
  user_id: string;
  project_id: string;
}

export async function recordAction(db: Db, uuid: string, action: string, owner: ActionOwner): Promise<string> {
  const now = new Date().toISOString();
  const id = randomUUID();
  await db
    .insertInto('instance_actions')
    .values({
      id,
      instance_uuid: uuid,
      action,
      request_id: owner.request_id,
      user_id: owner.user_id,
      project_id: owner.project_id,
      start_time: now,
      finish_time: null,
      message: null,
      updated_at: now,
    })
    .execute();
  return id;
}

/** The action a request started on the instance; the newest action when the request id is unknown. */
export async function findAction(db: Db, uuid: string, requestId?: string) {
  if (requestId) {
    const byRequest = await db
      .selectFrom('instance_actions')
      .selectAll()
      .where('instance_uuid', '=', uuid)
      .where('request_id', '=', requestId)
      .orderBy('start_time', 'desc')
      .executeTakeFirst();
    if (byRequest) return byRequest;
  }
  return db
    .selectFrom('instance_actions')
    .selectAll()
    .where('instance_uuid', '=', uuid)
    .orderBy('start_time', 'desc')
    .executeTakeFirst();
}

export async function startEvent(
  db: Db,
  ref: { uuid: string; request_id?: string },
  event: string,
  host: string | null,
): Promise<void> {
  const action = await findAction(db, ref.uuid, ref.request_id);
  if (!action) return;
  const now = new Date().toISOString();
  await db
    .insertInto('instance_action_events')
    .values({
      id: randomUUID(),
      action_id: action.id,
      event,
      start_time: now,
      finish_time: null,
      result: null,
      traceback: null,
      host,
      details: null,
    })
    .execute();
  await db.updateTable('instance_actions').set({ updated_at: now }).where('id', '=', action.id).execute();
}

/**
 * Finishes the event (starting it first when its start was never reported) and the action with it; an
 * 'Error' result also marks the action's message 'Error', as Nova does.
 */
export async function finishEvent(
  db: Db,
  ref: { uuid: string; request_id?: string },
  event: string,
  outcome: { result: 'Success' | 'Error'; traceback?: string | null; host: string | null; details?: string | null },
): Promise<void> {
  const action = await findAction(db, ref.uuid, ref.request_id);
  if (!action) return;
  const now = new Date().toISOString();
  const open = await db
    .selectFrom('instance_action_events')
    .select('id')
    .where('action_id', '=', action.id)
    .where('event', '=', event)
    .where('finish_time', 'is', null)
    .orderBy('start_time', 'desc')
    .executeTakeFirst();
  const values = {
    finish_time: now,
    result: outcome.result,
    traceback: outcome.traceback ?? null,
    details: outcome.details ?? null,
  };
  if (open) await db.updateTable('instance_action_events').set(values).where('id', '=', open.id).execute();
  else
    await db
      .insertInto('instance_action_events')
      .values({ id: randomUUID(), action_id: action.id, event, start_time: now, host: outcome.host, ...values })
      .execute();
  await db
    .updateTable('instance_actions')
    .set({
      finish_time: now,
      updated_at: now,
      ...(outcome.result === 'Error' && { message: 'Error' }),
    })
    .where('id', '=', action.id)
    .execute();
}

/** Marks the newest action of this name finished (a delete finalized without an agent). */
export async function finishAction(db: Db, uuid: string, action: string, message: string | null = null): Promise<void> {
  const row = await db
    .selectFrom('instance_actions')
    .select('id')
    .where('instance_uuid', '=', uuid)
    .where('action', '=', action)
    .orderBy('start_time', 'desc')
    .executeTakeFirst();
  if (!row) return;
  const now = new Date().toISOString();
  await db
    .updateTable('instance_actions')
    .set({ finish_time: now, updated_at: now, ...(message && { message }) })
    .where('id', '=', row.id)
    .execute();
}
