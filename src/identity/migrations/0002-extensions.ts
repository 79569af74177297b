import type { Kysely } from 'kysely';

/**
 * Keystone's extension APIs: policy blobs (/v3/policies), OS-OAUTH1 consumers and tokens, OS-EP-FILTER endpoint groups
 * and project-endpoint associations, domain-specific configuration, and OS-FEDERATION identity providers,
 * protocols, mappings and service providers. Associations to projects and endpoints cascade on delete so
 * that removing a project, domain or endpoint removes its associations, as Keystone's callbacks do.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('policies')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('type', 'varchar(255)', (c) => c.notNull())
    .addColumn('blob', 'text', (c) => c.notNull())
    .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();

  await db.schema
    .createTable('oauth1_consumers')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('description', 'text')
    .addColumn('secret', 'varchar(64)', (c) => c.notNull())
    .addColumn('extra', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  // A consumer's request and access tokens go with it, as in Keystone.
  await db.schema
    .createTable('oauth1_request_tokens')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('request_secret', 'varchar(64)', (c) => c.notNull())
    .addColumn('verifier', 'varchar(64)')
    .addColumn('authorizing_user_id', 'varchar(64)')
    .addColumn('requested_project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('role_ids', 'text')
    .addColumn('consumer_id', 'varchar(64)', (c) => c.notNull().references('oauth1_consumers.id').onDelete('cascade'))
    .addColumn('expires_at', 'varchar(32)')
    .execute();
  await db.schema
    .createTable('oauth1_access_tokens')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('access_secret', 'varchar(64)', (c) => c.notNull())
    .addColumn('authorizing_user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('role_ids', 'text', (c) => c.notNull())
    .addColumn('consumer_id', 'varchar(64)', (c) => c.notNull().references('oauth1_consumers.id').onDelete('cascade'))
    .addColumn('expires_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('oauth1_access_tokens_user')
    .on('oauth1_access_tokens')
    .column('authorizing_user_id')
    .execute();

  await db.schema
    .createTable('endpoint_groups')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('filters', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('project_endpoint_groups')
    .addColumn('endpoint_group_id', 'varchar(64)', (c) =>
      c.notNull().references('endpoint_groups.id').onDelete('cascade'),
    )
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('project_endpoint_groups_pk', ['endpoint_group_id', 'project_id'])
    .execute();
  await db.schema
    .createIndex('project_endpoint_groups_project')
    .on('project_endpoint_groups')
    .column('project_id')
    .execute();
  await db.schema
    .createTable('project_endpoints')
    .addColumn('endpoint_id', 'varchar(64)', (c) => c.notNull().references('endpoints.id').onDelete('cascade'))
    .addColumn('project_id', 'varchar(64)', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('project_endpoints_pk', ['endpoint_id', 'project_id'])
    .execute();
  await db.schema.createIndex('project_endpoints_project').on('project_endpoints').column('project_id').execute();

  // `group` and `option` are SQL keywords, hence the prefixed column names.
  await db.schema
    .createTable('domain_configs')
    .addColumn('domain_id', 'varchar(64)', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('config_group', 'varchar(255)', (c) => c.notNull())
    .addColumn('config_option', 'varchar(255)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('sensitive', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('domain_configs_pk', ['domain_id', 'config_group', 'config_option'])
    .execute();

  await db.schema
    .createTable('identity_providers')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    // Keystone removes a domain's identity providers when the domain is deleted.
    .addColumn('domain_id', 'varchar(64)', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('description', 'text')
    .addColumn('authorization_ttl', 'integer')
    .execute();
  await db.schema.createIndex('identity_providers_domain').on('identity_providers').column('domain_id').execute();
  // A remote id names one identity provider across the whole cloud (Keystone's primary key).
  await db.schema
    .createTable('idp_remote_ids')
    .addColumn('remote_id', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('idp_id', 'varchar(64)', (c) => c.notNull().references('identity_providers.id').onDelete('cascade'))
    .execute();
  await db.schema
    .createTable('federation_protocols')
    .addColumn('id', 'varchar(64)', (c) => c.notNull())
    .addColumn('idp_id', 'varchar(64)', (c) => c.notNull().references('identity_providers.id').onDelete('cascade'))
    .addColumn('mapping_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('remote_id_attribute', 'varchar(64)')
    .addPrimaryKeyConstraint('federation_protocols_pk', ['idp_id', 'id'])
    .execute();
  await db.schema
    .createTable('mappings')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('rules', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('service_providers')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('description', 'text')
    .addColumn('auth_url', 'varchar(256)', (c) => c.notNull())
    .addColumn('sp_url', 'varchar(256)', (c) => c.notNull())
    .addColumn('relay_state_prefix', 'varchar(256)', (c) => c.notNull())
    .execute();
}
