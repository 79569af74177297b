import type { Kysely } from 'kysely';
import { instanceNotFound } from './errors.ts';
import type { ServerCaller } from './server-access.ts';
import type { ComputeTables, InstanceRow } from './tables.ts';

type Db = Kysely<ComputeTables>;

/**
 * An undeleted server the caller may see (their project's, or any for an admin); another project's server
 * answers 404 as Nova does (never 403).
 */
export async function visibleInstanceOr404(
  db: Db,
  caller: ServerCaller,
  uuid: string,
  opts: { includeDeleted?: boolean } = {},
): Promise<InstanceRow> {
  let q = db.selectFrom('instances').selectAll().where('uuid', '=', uuid);
  if (!opts.includeDeleted) q = q.where('deleted', '=', 0);
  const row = await q.executeTakeFirst();
  if (!row || (!caller.isAdmin && row.project_id !== caller.projectId)) throw instanceNotFound(uuid);
  return row;
}

/** Per-instance key/value rows grouped by instance uuid. */
async function keyValuesOf(
  db: Db,
  table: 'instance_metadata' | 'instance_system_metadata',
  uuids: string[],
): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  if (uuids.length === 0) return out;
  for (const chunk of chunks(uuids)) {
    const rows = await db.selectFrom(table).selectAll().where('instance_uuid', 'in', chunk).execute();
    for (const r of rows) {
      const m = out.get(r.instance_uuid) ?? {};
      out.set(r.instance_uuid, m);
      m[r.key] = r.value;
    }
  }
  return out;
}

export const metadataOf = (db: Db, uuids: string[]) => keyValuesOf(db, 'instance_metadata', uuids);
export const systemMetadataOf = (db: Db, uuids: string[]) => keyValuesOf(db, 'instance_system_metadata', uuids);

export async function tagsOf(db: Db, uuids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const chunk of chunks(uuids)) {
    const rows = await db
      .selectFrom('instance_tags')
      .selectAll()
      .where('instance_uuid', 'in', chunk)
      .orderBy('tag')
      .execute();
    for (const r of rows) out.set(r.instance_uuid, [...(out.get(r.instance_uuid) ?? []), r.tag]);
  }
  return out;
}

/** Attached volumes (os-extended-volumes:volumes_attached): the volume block device mappings. */
export async function volumesOf(
  db: Db,
  uuids: string[],
): Promise<Map<string, { id: string; delete_on_termination: boolean }[]>> {
  const out = new Map<string, { id: string; delete_on_termination: boolean }[]>();
  for (const chunk of chunks(uuids)) {
    const rows = await db
      .selectFrom('block_device_mappings')
      .selectAll()
      .where('instance_uuid', 'in', chunk)
      .where('volume_id', 'is not', null)
      .execute();
    for (const r of rows)
      out.set(r.instance_uuid, [
        ...(out.get(r.instance_uuid) ?? []),
        { id: r.volume_id as string, delete_on_termination: r.delete_on_termination === 1 },
      ]);
  }
  return out;
}

export async function serverGroupsOf(db: Db, uuid: string): Promise<string[]> {
  const rows = await db
    .selectFrom('server_group_members')
    .select('group_id')
    .where('instance_uuid', '=', uuid)
    .execute();
  return rows.map((r) => r.group_id);
}

/** Writes changed columns and stamps updated_at (Nova bumps `updated` on every save). */
export async function updateInstance(db: Db, uuid: string, values: Partial<InstanceRow>): Promise<void> {
  await db
    .updateTable('instances')
    .set({ ...values, updated_at: new Date().toISOString() })
    .where('uuid', '=', uuid)
    .execute();
}

function* chunks<T>(items: T[], size = 500): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
