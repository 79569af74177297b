import type { Kysely } from 'kysely';

/** Ports with their bindings; allowed address pairs, extra DHCP options, security group bindings. */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ports')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('network_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('mac_address', 'varchar(32)', (c) => c.notNull())
    .addColumn('admin_state_up', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('device_id', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('device_owner', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('port_security_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('dns_name', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('propagate_uplink_status', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('binding_host_id', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('binding_vif_type', 'varchar(64)', (c) => c.notNull().defaultTo('unbound'))
    .addColumn('binding_vif_details', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('binding_vnic_type', 'varchar(64)', (c) => c.notNull().defaultTo('normal'))
    .addColumn('binding_profile', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('revision_number', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Neutron's MAC uniqueness is per network; the index also settles two requests asking for the same MAC.
  await db.schema.createIndex('ports_mac').on('ports').columns(['network_id', 'mac_address']).unique().execute();
  await db.schema.createIndex('ports_project').on('ports').column('project_id').execute();
  await db.schema.createIndex('ports_device').on('ports').column('device_id').execute();

  await db.schema
    .createTable('port_allowed_address_pairs')
    .addColumn('port_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('ip_address', 'varchar(64)', (c) => c.notNull())
    .addColumn('mac_address', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('port_aap_pk', ['port_id', 'ip_address', 'mac_address'])
    .execute();
  await db.schema
    .createTable('port_extra_dhcp_opts')
    .addColumn('port_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('opt_name', 'varchar(64)', (c) => c.notNull())
    .addColumn('opt_value', 'varchar(255)', (c) => c.notNull())
    .addColumn('ip_version', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('port_dhcp_opts_pk', ['port_id', 'opt_name', 'ip_version'])
    .execute();
  await db.schema
    .createTable('port_security_group_bindings')
    .addColumn('port_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('security_group_id', 'varchar(36)', (c) => c.notNull())
    .addPrimaryKeyConstraint('port_sg_pk', ['port_id', 'security_group_id'])
    .execute();
  await db.schema.createIndex('port_sg_group').on('port_security_group_bindings').column('security_group_id').execute();
}
