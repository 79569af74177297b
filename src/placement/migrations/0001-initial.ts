import type { Kysely } from 'kysely';

/** Resource providers, their inventories, traits and aggregates; consumers and their allocations. */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('placement_resource_providers')
    .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('parent_provider_uuid', 'varchar(36)')
    .addColumn('root_provider_uuid', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('placement_inventories')
    .addColumn('rp_uuid', 'varchar(36)', (c) => c.notNull())
    .addColumn('resource_class', 'varchar(255)', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('reserved', 'integer', (c) => c.notNull())
    .addColumn('min_unit', 'integer', (c) => c.notNull())
    .addColumn('max_unit', 'integer', (c) => c.notNull())
    .addColumn('step_size', 'integer', (c) => c.notNull())
    .addColumn('allocation_ratio', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('placement_inventories_pk', ['rp_uuid', 'resource_class'])
    .execute();
  await db.schema
    .createTable('placement_consumers')
    .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consumer_type', 'varchar(255)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('placement_consumers_project').on('placement_consumers').column('project_id').execute();
  await db.schema
    .createTable('placement_allocations')
    .addColumn('consumer_uuid', 'varchar(36)', (c) => c.notNull())
    .addColumn('rp_uuid', 'varchar(36)', (c) => c.notNull())
    .addColumn('resource_class', 'varchar(255)', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('placement_allocations_pk', ['consumer_uuid', 'rp_uuid', 'resource_class'])
    .execute();
  // Usage sums per provider and class are read on every allocation write and candidate query.
  await db.schema
    .createIndex('placement_allocations_rp_rc')
    .on('placement_allocations')
    .columns(['rp_uuid', 'resource_class'])
    .execute();
  await db.schema
    .createTable('placement_resource_classes')
    .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('placement_traits')
    .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('placement_rp_traits')
    .addColumn('rp_uuid', 'varchar(36)', (c) => c.notNull())
    .addColumn('trait', 'varchar(255)', (c) => c.notNull())
    .addPrimaryKeyConstraint('placement_rp_traits_pk', ['rp_uuid', 'trait'])
    .execute();
  await db.schema.createIndex('placement_rp_traits_trait').on('placement_rp_traits').column('trait').execute();
  await db.schema
    .createTable('placement_rp_aggregates')
    .addColumn('rp_uuid', 'varchar(36)', (c) => c.notNull())
    .addColumn('aggregate_uuid', 'varchar(36)', (c) => c.notNull())
    .addPrimaryKeyConstraint('placement_rp_aggregates_pk', ['rp_uuid', 'aggregate_uuid'])
    .execute();
  await db.schema
    .createIndex('placement_rp_aggregates_agg')
    .on('placement_rp_aggregates')
    .column('aggregate_uuid')
    .execute();
}
