import { isUniqueViolation } from '../../core/db/database.ts';
import { Conflict, NotFound } from '../../core/errors.ts';
import { extensionDb, type MappingRow } from '../extension-tables.ts';
import { parseList } from '../rows.ts';
import type { IdentityDb } from '../tables.ts';

export const mappingOf = (r: MappingRow) => ({ id: r.id, rules: parseList<unknown>(r.rules) });

const mappingNotFound = (id: string) => new NotFound(`Could not find Mapping: ${id}.`);

export async function getMapping(db: IdentityDb, id: string): Promise<MappingRow> {
  const row = await extensionDb(db).selectFrom('mappings').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw mappingNotFound(id);
  return row;
}

export function listMappings(db: IdentityDb): Promise<MappingRow[]> {
  return extensionDb(db).selectFrom('mappings').selectAll().orderBy('id').execute();
}

export async function createMapping(db: IdentityDb, row: MappingRow): Promise<MappingRow> {
  try {
    await extensionDb(db).insertInto('mappings').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err))
      throw new Conflict(`Conflict occurred attempting to store mapping - Duplicate entry: ${row.id}`);
    throw err;
  }
  return row;
}

export async function updateMapping(db: IdentityDb, id: string, rules: string): Promise<MappingRow> {
  const res = await extensionDb(db).updateTable('mappings').set({ rules }).where('id', '=', id).executeTakeFirst();
  if (!res.numUpdatedRows) throw mappingNotFound(id);
  return { id, rules };
}

/** As in Keystone, protocols still naming the mapping are left alone. */
export async function deleteMapping(db: IdentityDb, id: string): Promise<void> {
  const res = await extensionDb(db).deleteFrom('mappings').where('id', '=', id).executeTakeFirst();
  if (!res.numDeletedRows) throw mappingNotFound(id);
}
