/** Resource types (a catalogue Glance grows on demand) and their associations with namespaces. */
import { Conflict, NotFound } from '../../core/errors.ts';
import type { ImageDb, MetadefAssociationRow, MetadefNamespaceRow } from '../tables.ts';

export interface AssociationInput {
  name: string;
  prefix?: string | null;
  properties_target?: string | null;
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function listResourceTypes(db: ImageDb) {
  return db.selectFrom('metadef_resource_types').selectAll().orderBy('created_at').orderBy('name').execute();
}

/** Associations of several namespaces at once (the namespace list shows each one's). */
export async function listAssociations(db: ImageDb, namespaceIds: string[]): Promise<MetadefAssociationRow[]> {
  if (namespaceIds.length === 0) return [];
  return db
    .selectFrom('metadef_namespace_resource_types')
    .selectAll()
    .where('namespace_id', 'in', namespaceIds)
    .orderBy('created_at')
    .orderBy('resource_type')
    .execute();
}

/** Glance creates an unknown resource type on first association instead of refusing it. */
export async function insertAssociation(
  db: ImageDb,
  ns: MetadefNamespaceRow,
  input: AssociationInput,
): Promise<MetadefAssociationRow> {
  const stamp = now();
  const known = await db
    .selectFrom('metadef_resource_types')
    .select('name')
    .where('name', '=', input.name)
    .executeTakeFirst();
  if (!known) {
    await db
      .insertInto('metadef_resource_types')
      .values({ name: input.name, protected: 0, created_at: stamp, updated_at: stamp })
      .execute();
  }
  const existing = await db
    .selectFrom('metadef_namespace_resource_types')
    .select('resource_type')
    .where('namespace_id', '=', ns.id)
    .where('resource_type', '=', input.name)
    .executeTakeFirst();
  if (existing) {
    throw new Conflict(
      `The metadata definition resource-type association of resource-type=${input.name} to namespace=${ns.namespace} already exists.`,
    );
  }
  const row: MetadefAssociationRow = {
    namespace_id: ns.id,
    resource_type: input.name,
    prefix: input.prefix ?? null,
    properties_target: input.properties_target ?? null,
    created_at: stamp,
    updated_at: stamp,
  };
  await db.insertInto('metadef_namespace_resource_types').values(row).execute();
  return row;
}

export async function createAssociation(
  db: ImageDb,
  ns: MetadefNamespaceRow,
  input: AssociationInput,
): Promise<MetadefAssociationRow> {
  return db.transaction().execute((trx) => insertAssociation(trx, ns, input));
}

export async function deleteAssociation(db: ImageDb, ns: MetadefNamespaceRow, name: string): Promise<void> {
  const res = await db
    .deleteFrom('metadef_namespace_resource_types')
    .where('namespace_id', '=', ns.id)
    .where('resource_type', '=', name)
    .executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new NotFound(`Failed to find resource type ${name} to delete`);
}

/** The association of one resource type with a namespace, for prefix handling; undefined when none. */
export async function findAssociation(
  db: ImageDb,
  ns: MetadefNamespaceRow,
  name: string,
): Promise<MetadefAssociationRow | undefined> {
  return db
    .selectFrom('metadef_namespace_resource_types')
    .selectAll()
    .where('namespace_id', '=', ns.id)
    .where('resource_type', '=', name)
    .executeTakeFirst();
}
