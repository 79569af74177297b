import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { isUniqueViolation } from '../../core/db/database.ts';
import { Conflict } from '../../core/errors.ts';
import type { ImageDb, ImageTables, MetadefNamespaceRow } from '../tables.ts';
import { type ChildInput, type ChildTable, insertChildren } from './metadefs-children.ts';
import { type AssociationInput, insertAssociation } from './metadefs-resource-types.ts';

export const metadefNow = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export type NamespaceFields = Pick<
  MetadefNamespaceRow,
  'namespace' | 'display_name' | 'description' | 'visibility' | 'protected' | 'owner'
>;

/** What a namespace is created with besides its own fields (Glance creates them all or nothing). */
export interface NamespaceChildren {
  associations: AssociationInput[];
  objects: ChildInput[];
  properties: ChildInput[];
  tags: ChildInput[];
}

const duplicate = (name: string) => new Conflict(`The metadata definition namespace=${name} already exists.`);

export async function findNamespace(db: ImageDb, name: string): Promise<MetadefNamespaceRow | undefined> {
  return db.selectFrom('metadef_namespaces').selectAll().where('namespace', '=', name).executeTakeFirst();
}

export interface NamespaceQuery {
  /** Only these rows are candidates: the caller's visibility rule is applied by the caller of this function. */
  visibility?: string;
  resourceTypes?: string[];
}

export async function queryNamespaces(db: ImageDb, q: NamespaceQuery): Promise<MetadefNamespaceRow[]> {
  let query = db.selectFrom('metadef_namespaces').selectAll('metadef_namespaces');
  if (q.visibility) query = query.where('visibility', '=', q.visibility as 'public' | 'private');
  if (q.resourceTypes && q.resourceTypes.length > 0) {
    const types = q.resourceTypes;
    query = query.where('id', 'in', (sub) =>
      sub.selectFrom('metadef_namespace_resource_types').select('namespace_id').where('resource_type', 'in', types),
    );
  }
  return query.execute();
}

export async function createNamespace(
  db: ImageDb,
  fields: NamespaceFields,
  children: NamespaceChildren,
): Promise<MetadefNamespaceRow> {
  const now = metadefNow();
  const row: MetadefNamespaceRow = { id: randomUUID(), ...fields, created_at: now, updated_at: now };
  return db.transaction().execute(async (trx) => {
    await insertNamespaceRow(trx, row);
    for (const a of children.associations) await insertAssociation(trx, row, a);
    await insertChildren(trx, 'metadef_objects', row, children.objects);
    await insertChildren(trx, 'metadef_properties', row, children.properties);
    await insertChildren(trx, 'metadef_tags', row, children.tags);
    return row;
  });
}

async function insertNamespaceRow(trx: Transaction<ImageTables>, row: MetadefNamespaceRow): Promise<void> {
  if (await findNamespace(trx, row.namespace)) throw duplicate(row.namespace);
  try {
    await trx.insertInto('metadef_namespaces').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(row.namespace);
    throw err;
  }
}

/** PUT replaces every field, the name included; children follow by id. */
export async function replaceNamespace(
  db: ImageDb,
  current: MetadefNamespaceRow,
  fields: NamespaceFields,
): Promise<MetadefNamespaceRow> {
  const next: MetadefNamespaceRow = { ...current, ...fields, updated_at: metadefNow() };
  return db.transaction().execute(async (trx) => {
    if (fields.namespace !== current.namespace && (await findNamespace(trx, fields.namespace))) {
      throw duplicate(fields.namespace);
    }
    try {
      await trx.updateTable('metadef_namespaces').set(next).where('id', '=', current.id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate(fields.namespace);
      throw err;
    }
    return next;
  });
}

export async function deleteNamespace(db: ImageDb, ns: MetadefNamespaceRow): Promise<void> {
  // Children go explicitly too: SQLite only cascades with foreign keys switched on.
  await db.transaction().execute(async (trx) => {
    for (const table of ['metadef_objects', 'metadef_properties', 'metadef_tags'] as ChildTable[]) {
      await trx.deleteFrom(table).where('namespace_id', '=', ns.id).execute();
    }
    await trx.deleteFrom('metadef_namespace_resource_types').where('namespace_id', '=', ns.id).execute();
    await trx.deleteFrom('metadef_namespaces').where('id', '=', ns.id).execute();
  });
}
