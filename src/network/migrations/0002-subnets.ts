import type { Kysely } from 'kysely';

/** Subnets and their pools, name servers and routes; IP allocations; subnet pools and address scopes. */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const standard = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('project_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('name', 'varchar(255)', (c) => c.notNull().defaultTo(''))
      .addColumn('description', 'varchar(255)', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('revision_number', 'integer', (c) => c.notNull().defaultTo(0));

  await standard('subnets')
    .addColumn('network_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('ip_version', 'integer', (c) => c.notNull())
    .addColumn('cidr', 'varchar(64)', (c) => c.notNull())
    .addColumn('gateway_ip', 'varchar(64)')
    .addColumn('enable_dhcp', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('ipv6_ra_mode', 'varchar(16)')
    .addColumn('ipv6_address_mode', 'varchar(16)')
    .addColumn('subnetpool_id', 'varchar(36)')
    .addColumn('service_types', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('dns_publish_fixed_ip', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('subnets_network').on('subnets').column('network_id').execute();
  await db.schema.createIndex('subnets_project').on('subnets').column('project_id').execute();

  await db.schema
    .createTable('subnet_allocation_pools')
    .addColumn('subnet_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('first_ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('last_ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subnet_pools_subnet').on('subnet_allocation_pools').column('subnet_id').execute();
  await db.schema
    .createTable('subnet_dns_nameservers')
    .addColumn('subnet_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('address', 'varchar(64)', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subnet_dns_subnet').on('subnet_dns_nameservers').column('subnet_id').execute();
  await db.schema
    .createTable('subnet_host_routes')
    .addColumn('subnet_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('destination', 'varchar(64)', (c) => c.notNull())
    .addColumn('nexthop', 'varchar(64)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subnet_routes_subnet').on('subnet_host_routes').column('subnet_id').execute();

  await db.schema
    .createTable('ip_allocations')
    .addColumn('subnet_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('ip_address', 'varchar(64)', (c) => c.notNull())
    .addColumn('network_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('port_id', 'varchar(36)')
    .execute();
  // Two concurrent requests that picked the same free address: one insert fails and that request retries.
  await db.schema
    .createIndex('ip_allocations_unique')
    .on('ip_allocations')
    .columns(['subnet_id', 'ip_address'])
    .unique()
    .execute();
  await db.schema.createIndex('ip_allocations_port').on('ip_allocations').column('port_id').execute();
  await db.schema.createIndex('ip_allocations_network').on('ip_allocations').column('network_id').execute();

  await standard('subnetpools')
    .addColumn('ip_version', 'integer', (c) => c.notNull())
    .addColumn('default_prefixlen', 'integer', (c) => c.notNull())
    .addColumn('min_prefixlen', 'integer', (c) => c.notNull())
    .addColumn('max_prefixlen', 'integer', (c) => c.notNull())
    .addColumn('shared', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('address_scope_id', 'varchar(36)')
    .addColumn('default_quota', 'integer')
    .execute();
  await db.schema
    .createTable('subnetpool_prefixes')
    .addColumn('subnetpool_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('cidr', 'varchar(64)', (c) => c.notNull())
    .addPrimaryKeyConstraint('subnetpool_prefixes_pk', ['subnetpool_id', 'cidr'])
    .execute();

  await standard('address_scopes')
    .addColumn('ip_version', 'integer', (c) => c.notNull())
    .addColumn('shared', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
