/**
 * Objects, property definitions and tags of a namespace: the same row shape (a name unique in the namespace
 * and a JSON body) in three tables, so one set of functions serves all three.
 */
import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../core/db/database.ts';
import { Conflict, NotFound } from '../../core/errors.ts';
import type { ImageDb, MetadefChildRow, MetadefNamespaceRow } from '../tables.ts';

export type ChildTable = 'metadef_objects' | 'metadef_properties' | 'metadef_tags';
export interface ChildInput {
  name: string;
  body: Record<string, unknown>;
}

const KIND: Record<ChildTable, string> = {
  metadef_objects: 'object',
  metadef_properties: 'property',
  metadef_tags: 'tag',
};

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export const childNotFound = (table: ChildTable, ns: MetadefNamespaceRow, name: string): NotFound =>
  new NotFound(`The metadata definition ${KIND[table]} with name=${name} was not found in namespace=${ns.namespace}.`);

const duplicate = (table: ChildTable, ns: MetadefNamespaceRow, name: string): Conflict =>
  new Conflict(`A metadata definition ${KIND[table]} with name=${name} already exists in namespace=${ns.namespace}.`);

export async function getChild(
  db: ImageDb,
  table: ChildTable,
  ns: MetadefNamespaceRow,
  name: string,
): Promise<MetadefChildRow> {
  const row = await db
    .selectFrom(table)
    .selectAll()
    .where('namespace_id', '=', ns.id)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) throw childNotFound(table, ns, name);
  return row;
}

/** Glance's default order is newest first; `seq` keeps rows made in the same second in creation order. */
export async function listChildren(
  db: ImageDb,
  table: ChildTable,
  ns: MetadefNamespaceRow,
  sortDir: 'asc' | 'desc' = 'desc',
): Promise<MetadefChildRow[]> {
  return db
    .selectFrom(table)
    .selectAll()
    .where('namespace_id', '=', ns.id)
    .orderBy('created_at', sortDir)
    .orderBy('seq', sortDir)
    .execute();
}

/** Inserts in order; a name already in the namespace (or twice in `items`) is 409 and nothing is kept. */
export async function insertChildren(
  db: ImageDb,
  table: ChildTable,
  ns: MetadefNamespaceRow,
  items: ChildInput[],
): Promise<MetadefChildRow[]> {
  if (items.length === 0) return [];
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.name)) throw duplicate(table, ns, item.name);
    seen.add(item.name);
  }
  const last = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('namespace_id', '=', ns.id)
    .executeTakeFirst();
  const base = Number(last?.seq ?? 0);
  const stamp = now();
  const rows: MetadefChildRow[] = items.map((item, i) => ({
    id: randomUUID(),
    namespace_id: ns.id,
    name: item.name,
    body: JSON.stringify(item.body),
    seq: base + i + 1,
    created_at: stamp,
    updated_at: stamp,
  }));
  try {
    await db.insertInto(table).values(rows).execute();
  } catch (err) {
    // Callers check names first; this is the race two writers lose (PostgreSQL's transaction is spent by now).
    if (isUniqueViolation(err)) throw duplicate(table, ns, items[0].name);
    throw err;
  }
  return rows;
}

async function listNames(db: ImageDb, table: ChildTable, ns: MetadefNamespaceRow): Promise<Set<string>> {
  const rows = await db.selectFrom(table).select('name').where('namespace_id', '=', ns.id).execute();
  return new Set(rows.map((r) => r.name));
}

export async function createChild(
  db: ImageDb,
  table: ChildTable,
  ns: MetadefNamespaceRow,
  item: ChildInput,
): Promise<MetadefChildRow> {
  return db.transaction().execute(async (trx) => {
    if ((await listNames(trx, table, ns)).has(item.name)) throw duplicate(table, ns, item.name);
    const [row] = await insertChildren(trx, table, ns, [item]);
    return row;
  });
}

/** PUT: a new name and body for one child; renaming onto a sibling's name is 409. */
export async function replaceChild(
  db: ImageDb,
  table: ChildTable,
  ns: MetadefNamespaceRow,
  name: string,
  item: ChildInput,
): Promise<MetadefChildRow> {
  return db.transaction().execute(async (trx) => {
    const current = await getChild(trx, table, ns, name);
    if (item.name !== name && (await listNames(trx, table, ns)).has(item.name)) {
      throw duplicate(table, ns, item.name);
    }
    const next = { ...current, name: item.name, body: JSON.stringify(item.body), updated_at: now() };
    await trx.updateTable(table).set(next).where('id', '=', current.id).execute();
    return next;
  });
}

export async function deleteChild(db: ImageDb, table: ChildTable, ns: MetadefNamespaceRow, name: string) {
  const res = await db.deleteFrom(table).where('namespace_id', '=', ns.id).where('name', '=', name).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw childNotFound(table, ns, name);
}

export async function deleteAllChildren(db: ImageDb, table: ChildTable, ns: MetadefNamespaceRow): Promise<void> {
  await db.deleteFrom(table).where('namespace_id', '=', ns.id).execute();
}

/** POST .../tags: replaces every tag unless `append`, in one transaction. */
export async function putTags(
  db: ImageDb,
  ns: MetadefNamespaceRow,
  names: string[],
  append: boolean,
): Promise<MetadefChildRow[]> {
  return db.transaction().execute(async (trx) => {
    if (!append) await deleteAllChildren(trx, 'metadef_tags', ns);
    else {
      const existing = await listNames(trx, 'metadef_tags', ns);
      const clash = names.find((n) => existing.has(n));
      if (clash !== undefined) throw duplicate('metadef_tags', ns, clash);
    }
    return insertChildren(
      trx,
      'metadef_tags',
      ns,
      names.map((name) => ({ name, body: {} })),
    );
  });
}
