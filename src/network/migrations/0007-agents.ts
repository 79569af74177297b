import type { Kysely } from 'kysely';

/** Agents: one row per (agent type, host), kept up to date by the agents' state reports. */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('network_agents')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('agent_type', 'varchar(255)', (c) => c.notNull())
    .addColumn('binary', 'varchar(255)', (c) => c.notNull())
    .addColumn('topic', 'varchar(255)', (c) => c.notNull())
    .addColumn('host', 'varchar(255)', (c) => c.notNull())
    .addColumn('availability_zone', 'varchar(255)')
    .addColumn('admin_state_up', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('description', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('configurations', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('resources_synced', 'integer')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('started_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('heartbeat_timestamp', 'varchar(32)', (c) => c.notNull())
    .execute();
  // One agent of a type per host: concurrent first reports settle here.
  await db.schema
    .createIndex('network_agents_type_host')
    .on('network_agents')
    .columns(['agent_type', 'host'])
    .unique()
    .execute();
}
