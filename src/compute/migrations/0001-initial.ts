import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, PostgresAdapter } from 'kysely';

/** Flavors, key pairs, instances and their metadata, actions, migrations, hosts, aggregates, groups, quotas. */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  // Nova's services, hypervisors, aggregates and migrations have integer ids that clients see (before 2.53).
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  // biome-ignore lint/suspicious/noExplicitAny: a table builder of any table name.
  const serialId = (t: CreateTableBuilder<any, any>) =>
    pg
      ? t.addColumn('id', 'serial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  const ts = (c: ColumnDefinitionBuilder) => c.notNull();

  await db.schema
    .createTable('flavors')
    .addColumn('internal_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('id', 'varchar(255)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('vcpus', 'integer', (c) => c.notNull())
    .addColumn('memory_mb', 'integer', (c) => c.notNull())
    .addColumn('root_gb', 'integer', (c) => c.notNull())
    .addColumn('ephemeral_gb', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('swap', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rxtx_factor', 'real', (c) => c.notNull().defaultTo(1))
    .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('description', 'text')
    .addColumn('created_at', 'varchar(32)', ts)
    .addColumn('updated_at', 'varchar(32)')
    .addColumn('deleted_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('flavors_id').on('flavors').column('id').execute();
  await db.schema
    .createTable('flavor_extra_specs')
    .addColumn('flavor_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('key', 'varchar(255)', (c) => c.notNull())
    .addColumn('value', 'varchar(255)', (c) => c.notNull())
    .addPrimaryKeyConstraint('flavor_extra_specs_pk', ['flavor_id', 'key'])
    .execute();
  await db.schema
    .createTable('flavor_projects')
    .addColumn('flavor_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('project_id', 'varchar(255)', (c) => c.notNull())
    .addPrimaryKeyConstraint('flavor_projects_pk', ['flavor_id', 'project_id'])
    .execute();

  await db.schema
    .createTable('key_pairs')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('type', 'varchar(8)', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', ts)
    .execute();
  // Key pair names are unique per user; the index settles two creates racing for one name.
  await db.schema.createIndex('key_pairs_name').on('key_pairs').columns(['user_id', 'name']).unique().execute();

  await db.schema
    .createTable('instances')
    .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('display_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('display_description', 'text')
    .addColumn('hostname', 'varchar(255)', (c) => c.notNull())
    .addColumn('image_ref', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('flavor', 'text', (c) => c.notNull())
    .addColumn('old_flavor', 'text')
    .addColumn('vm_state', 'varchar(32)', (c) => c.notNull())
    .addColumn('task_state', 'varchar(64)')
    .addColumn('power_state', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('host', 'varchar(255)')
    .addColumn('node', 'varchar(255)')
    .addColumn('availability_zone', 'varchar(255)')
    .addColumn('launched_at', 'varchar(32)')
    .addColumn('terminated_at', 'varchar(32)')
    .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_by', 'varchar(8)')
    .addColumn('locked_reason', 'varchar(255)')
    .addColumn('key_name', 'varchar(255)')
    .addColumn('key_data', 'text')
    .addColumn('user_data', 'text')
    .addColumn('config_drive', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('access_ip_v4', 'varchar(64)')
    .addColumn('access_ip_v6', 'varchar(64)')
    .addColumn('reservation_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('launch_index', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('kernel_id', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('ramdisk_id', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('root_device_name', 'varchar(255)')
    .addColumn('disk_config', 'varchar(8)', (c) => c.notNull().defaultTo('MANUAL'))
    .addColumn('info_cache', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('fault', 'text')
    .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', ts)
    .addColumn('updated_at', 'varchar(32)')
    .addColumn('deleted_at', 'varchar(32)')
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('instances_project').on('instances').columns(['project_id', 'deleted']).execute();
  await db.schema.createIndex('instances_host').on('instances').columns(['host', 'deleted']).execute();
  await db.schema.createIndex('instances_created').on('instances').columns(['created_at', 'uuid']).execute();
  await db.schema.createIndex('instances_reservation').on('instances').column('reservation_id').execute();
  for (const table of ['instance_metadata', 'instance_system_metadata']) {
    await db.schema
      .createTable(table)
      .addColumn('instance_uuid', 'varchar(36)', (c) => c.notNull())
      .addColumn('key', 'varchar(255)', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['instance_uuid', 'key'])
      .execute();
  }
  await db.schema
    .createTable('instance_tags')
    .addColumn('instance_uuid', 'varchar(36)', (c) => c.notNull())
    .addColumn('tag', 'varchar(60)', (c) => c.notNull())
    .addPrimaryKeyConstraint('instance_tags_pk', ['instance_uuid', 'tag'])
    .execute();
  await db.schema.createIndex('instance_tags_tag').on('instance_tags').column('tag').execute();
  await db.schema
    .createTable('request_specs')
    .addColumn('instance_uuid', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('spec', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('block_device_mappings')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('instance_uuid', 'varchar(36)', (c) => c.notNull())
    .addColumn('source_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('destination_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('boot_index', 'integer')
    .addColumn('device_name', 'varchar(255)')
    .addColumn('volume_id', 'varchar(36)')
    .addColumn('image_id', 'varchar(36)')
    .addColumn('volume_size', 'integer')
    .addColumn('delete_on_termination', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tag', 'varchar(255)')
    .addColumn('attachment_id', 'varchar(36)')
    .addColumn('created_at', 'varchar(32)', ts)
    .execute();
  await db.schema.createIndex('bdm_instance').on('block_device_mappings').column('instance_uuid').execute();

  await db.schema
    .createTable('instance_actions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('instance_uuid', 'varchar(36)', (c) => c.notNull())
    .addColumn('action', 'varchar(255)', (c) => c.notNull())
    .addColumn('request_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('project_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('start_time', 'varchar(32)', ts)
    .addColumn('finish_time', 'varchar(32)')
    .addColumn('message', 'text')
    .addColumn('updated_at', 'varchar(32)', ts)
    .execute();
  await db.schema
    .createIndex('instance_actions_instance')
    .on('instance_actions')
    .columns(['instance_uuid', 'request_id'])
    .execute();
  await db.schema
    .createTable('instance_action_events')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('action_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('event', 'varchar(255)', (c) => c.notNull())
    .addColumn('start_time', 'varchar(32)', ts)
    .addColumn('finish_time', 'varchar(32)')
    .addColumn('result', 'varchar(32)')
    .addColumn('traceback', 'text')
    .addColumn('host', 'varchar(255)')
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('action_events_action').on('instance_action_events').column('action_id').execute();
  await serialId(db.schema.createTable('instance_migrations'))
    .addColumn('uuid', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('instance_uuid', 'varchar(36)', (c) => c.notNull())
    .addColumn('source_compute', 'varchar(255)')
    .addColumn('dest_compute', 'varchar(255)')
    .addColumn('source_node', 'varchar(255)')
    .addColumn('dest_node', 'varchar(255)')
    .addColumn('dest_host', 'varchar(255)')
    .addColumn('old_instance_type_id', 'varchar(255)')
    .addColumn('new_instance_type_id', 'varchar(255)')
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('migration_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('project_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', ts)
    .addColumn('updated_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('migrations_instance').on('instance_migrations').column('instance_uuid').execute();

  await serialId(db.schema.createTable('compute_services'))
    .addColumn('uuid', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('host', 'varchar(255)', (c) => c.notNull())
    .addColumn('binary', 'varchar(255)', (c) => c.notNull())
    .addColumn('topic', 'varchar(255)')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('disabled_reason', 'varchar(255)')
    .addColumn('forced_down', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_seen_up', 'varchar(32)')
    .addColumn('report_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', ts)
    .addColumn('updated_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('compute_services_host_binary')
    .on('compute_services')
    .columns(['host', 'binary'])
    .unique()
    .execute();
  await serialId(db.schema.createTable('compute_nodes'))
    .addColumn('uuid', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('service_id', 'integer', (c) => c.notNull())
    .addColumn('host', 'varchar(255)', (c) => c.notNull())
    .addColumn('hypervisor_hostname', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('hypervisor_type', 'varchar(255)', (c) => c.notNull())
    .addColumn('hypervisor_version', 'integer', (c) => c.notNull())
    .addColumn('host_ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('vcpus', 'integer', (c) => c.notNull())
    .addColumn('memory_mb', 'integer', (c) => c.notNull())
    .addColumn('local_gb', 'integer', (c) => c.notNull())
    .addColumn('vcpus_used', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('memory_mb_used', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('local_gb_used', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('free_ram_mb', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('free_disk_gb', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('running_vms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cpu_info', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('disk_available_least', 'integer')
    .addColumn('created_at', 'varchar(32)', ts)
    .addColumn('updated_at', 'varchar(32)')
    .execute();
  await serialId(db.schema.createTable('aggregates'))
    .addColumn('uuid', 'varchar(36)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', ts)
    .addColumn('updated_at', 'varchar(32)')
    .execute();
  await db.schema
    .createTable('aggregate_hosts')
    .addColumn('aggregate_id', 'integer', (c) => c.notNull())
    .addColumn('host', 'varchar(255)', (c) => c.notNull())
    .addPrimaryKeyConstraint('aggregate_hosts_pk', ['aggregate_id', 'host'])
    .execute();
  await db.schema
    .createTable('aggregate_metadata')
    .addColumn('aggregate_id', 'integer', (c) => c.notNull())
    .addColumn('key', 'varchar(255)', (c) => c.notNull())
    .addColumn('value', 'varchar(255)', (c) => c.notNull())
    .addPrimaryKeyConstraint('aggregate_metadata_pk', ['aggregate_id', 'key'])
    .execute();

  await db.schema
    .createTable('server_groups')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('project_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('policy', 'varchar(32)', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'varchar(32)', ts)
    .execute();
  await db.schema
    .createTable('server_group_members')
    .addColumn('group_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('instance_uuid', 'varchar(36)', (c) => c.notNull())
    .addPrimaryKeyConstraint('server_group_members_pk', ['group_id', 'instance_uuid'])
    .execute();

  await db.schema
    .createTable('compute_quotas')
    .addColumn('project_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(255)', (c) => c.notNull().defaultTo(''))
    .addColumn('resource', 'varchar(255)', (c) => c.notNull())
    .addColumn('hard_limit', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('quotas_pk', ['project_id', 'user_id', 'resource'])
    .execute();
  await db.schema
    .createTable('compute_quota_classes')
    .addColumn('class_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('resource', 'varchar(255)', (c) => c.notNull())
    .addColumn('hard_limit', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('quota_classes_pk', ['class_name', 'resource'])
    .execute();
}
