import type { Kysely } from 'kysely';

/** Routers, floating IPs and their port forwardings. */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('routers')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('admin_state_up', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('gw_port_id', 'varchar(36)')
    .addColumn('gw_network_id', 'varchar(36)')
    .addColumn('enable_snat', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('routes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('distributed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ha', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('availability_zone_hints', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('flavor_id', 'varchar(36)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('revision_number', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('routers_project').on('routers').column('project_id').execute();
  await db.schema.createIndex('routers_gw_network').on('routers').column('gw_network_id').execute();

  await db.schema
    .createTable('floatingips')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('floating_ip_address', 'varchar(64)', (c) => c.notNull())
    .addColumn('floating_network_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('floating_port_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('fixed_port_id', 'varchar(36)')
    .addColumn('fixed_ip_address', 'varchar(64)')
    .addColumn('router_id', 'varchar(36)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('revision_number', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('floatingips_project').on('floatingips').column('project_id').execute();
  await db.schema.createIndex('floatingips_router').on('floatingips').column('router_id').execute();
  // One floating IP per fixed IP and external network: concurrent associations cannot both win. (NULLs, the
  // unassociated ones, never collide.)
  await db.schema
    .createIndex('floatingips_fixed')
    .on('floatingips')
    .columns(['floating_network_id', 'fixed_port_id', 'fixed_ip_address'])
    .unique()
    .execute();

  await db.schema
    .createTable('port_forwardings')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('floatingip_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('internal_port_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('internal_ip_address', 'varchar(64)', (c) => c.notNull())
    .addColumn('internal_port_start', 'integer', (c) => c.notNull())
    .addColumn('internal_port_end', 'integer', (c) => c.notNull())
    .addColumn('external_port_start', 'integer', (c) => c.notNull())
    .addColumn('external_port_end', 'integer', (c) => c.notNull())
    .addColumn('protocol', 'varchar(16)', (c) => c.notNull())
    .addColumn('description', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .createIndex('port_forwardings_external')
    .on('port_forwardings')
    .columns(['floatingip_id', 'protocol', 'external_port_start'])
    .unique()
    .execute();
  await db.schema
    .createIndex('port_forwardings_internal')
    .on('port_forwardings')
    .columns(['internal_port_id', 'internal_ip_address', 'protocol', 'internal_port_start'])
    .unique()
    .execute();
}
