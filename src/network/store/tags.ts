import type { Kysely } from 'kysely';
import type { NetworkTables } from '../tables.ts';

/** The tags of many resources of one type at once (lists hydrate a page in one query). */
export async function tagsOf(
  db: Kysely<NetworkTables>,
  resourceType: string,
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('network_tags')
      .select(['resource_id', 'tag'])
      .where('resource_type', '=', resourceType)
      .where('resource_id', 'in', ids.slice(i, i + 500))
      .orderBy('tag')
      .execute();
    for (const r of rows) out.set(r.resource_id, [...(out.get(r.resource_id) ?? []), r.tag]);
  }
  return out;
}

/** Replaces a resource's tags. */
export async function setTags(
  db: Kysely<NetworkTables>,
  resourceType: string,
  id: string,
  tags: readonly string[],
): Promise<void> {
  await deleteTags(db, resourceType, id);
  const unique = [...new Set(tags)];
  if (unique.length > 0)
    await db
      .insertInto('network_tags')
      .values(unique.map((tag) => ({ resource_type: resourceType, resource_id: id, tag })))
      .execute();
}

export async function deleteTags(db: Kysely<NetworkTables>, resourceType: string, id: string): Promise<void> {
  await db.deleteFrom('network_tags').where('resource_type', '=', resourceType).where('resource_id', '=', id).execute();
}
