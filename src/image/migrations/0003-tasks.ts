import type { Kysely } from 'kysely';

/**
 * Glance's tasks: one row per import (the `api_image_import` task GET /v2/images/{id}/tasks shows). Not tied
 * to the image by a foreign key: like Glance, a task outlives the image it worked on until it expires.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('image_tasks')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('type', 'varchar(30)', (c) => c.notNull())
    .addColumn('status', 'varchar(30)', (c) => c.notNull())
    .addColumn('owner', 'varchar(64)')
    .addColumn('image_id', 'varchar(36)')
    .addColumn('request_id', 'varchar(64)')
    .addColumn('user_id', 'varchar(64)')
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('expires_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('image_tasks_image').on('image_tasks').column('image_id').execute();
}
