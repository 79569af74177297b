import type { Kysely } from 'kysely';

/**
 * Glance's metadata definitions (metadefs). Children point at their namespace by a surrogate id, so renaming a
 * namespace (PUT with a new `namespace`) touches one row; the catalogue of resource types is seeded with the
 * names `glance-manage db load_metadefs` installs, because Tempest associates the first listed type.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('metadef_namespaces')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('namespace', 'varchar(80)', (c) => c.notNull().unique())
    .addColumn('display_name', 'varchar(80)')
    .addColumn('description', 'text')
    .addColumn('visibility', 'varchar(32)', (c) => c.notNull())
    .addColumn('protected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('owner', 'varchar(255)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  for (const table of ['metadef_objects', 'metadef_properties', 'metadef_tags']) {
    await db.schema
      .createTable(table)
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('namespace_id', 'varchar(36)', (c) =>
        c.notNull().references('metadef_namespaces.id').onDelete('cascade'),
      )
      .addColumn('name', 'varchar(80)', (c) => c.notNull())
      // Objects and properties keep their JSON-schema body as text; tags have only a name.
      .addColumn('body', 'text', (c) => c.notNull().defaultTo('{}'))
      // Insertion order breaks created_at ties (bulk tag creation stamps one second on every row).
      .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .addUniqueConstraint(`${table}_name_uq`, ['namespace_id', 'name'])
      .execute();
  }
  await db.schema
    .createTable('metadef_resource_types')
    .addColumn('name', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('protected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('metadef_namespace_resource_types')
    .addColumn('namespace_id', 'varchar(36)', (c) =>
      c.notNull().references('metadef_namespaces.id').onDelete('cascade'),
    )
    .addColumn('resource_type', 'varchar(80)', (c) => c.notNull().references('metadef_resource_types.name'))
    .addColumn('prefix', 'varchar(80)')
    .addColumn('properties_target', 'varchar(80)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('metadef_ns_rt_pk', ['namespace_id', 'resource_type'])
    .execute();
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const seeded = [
    'OS::Glance::Image',
    'OS::Cinder::Volume',
    'OS::Nova::Flavor',
    'OS::Nova::Aggregate',
    'OS::Nova::Server',
    'OS::Trove::Instance',
  ];
  await db
    .insertInto('metadef_resource_types')
    .values(seeded.map((name) => ({ name, protected: 1, created_at: now, updated_at: now })))
    .execute();
}
