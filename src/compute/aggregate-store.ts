import { badRequest, notFound } from './errors.ts';
import type { Microversion } from './microversion.ts';
import { novaTime } from './request-caller.ts';
import type { AggregateRow, ComputeDb } from './tables.ts';

export const aggregateNotFound = (id: string | number) => notFound(`Aggregate ${id} could not be found.`);

export async function findAggregate(db: ComputeDb, id: string): Promise<AggregateRow> {
  // Ids beyond the integer column's range cannot exist (and PostgreSQL would refuse to compare them).
  const row =
    /^\d{1,10}$/.test(id) && Number(id) <= 0x7fffffff
      ? await db.selectFrom('aggregates').selectAll().where('id', '=', Number(id)).executeTakeFirst()
      : undefined;
  if (!row) throw aggregateNotFound(id);
  return row;
}

export async function aggregateDetails(db: ComputeDb, ids: number[]) {
  const hosts = ids.length
    ? await db.selectFrom('aggregate_hosts').selectAll().where('aggregate_id', 'in', ids).execute()
    : [];
  const meta = ids.length
    ? await db.selectFrom('aggregate_metadata').selectAll().where('aggregate_id', 'in', ids).orderBy('key').execute()
    : [];
  return (id: number) => ({
    hosts: hosts
      .filter((h) => h.aggregate_id === id)
      .map((h) => h.host)
      .sort(),
    metadata: Object.fromEntries(meta.filter((m) => m.aggregate_id === id).map((m) => [m.key, m.value])),
  });
}

/** Nova's aggregate view; `uuid` from 2.41; create answers without hosts and metadata (`brief`). */
export function aggregateView(
  row: AggregateRow,
  details: { hosts: string[]; metadata: Record<string, string> },
  mv: Microversion,
  brief = false,
): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: row.id,
    name: row.name,
    availability_zone: details.metadata.availability_zone ?? null,
    created_at: novaTime(row.created_at),
    updated_at: novaTime(row.updated_at),
    deleted_at: null,
    deleted: false,
  };
  if (!brief) {
    view.hosts = details.hosts;
    view.metadata = details.metadata;
  }
  if (mv.atLeast('2.41')) view.uuid = row.uuid;
  return view;
}

/**
 * A host belongs to one availability zone: it may join (or its aggregate may take) zone `zone` only if every
 * other zone-bearing aggregate it is in names the same zone. Nova's 400 otherwise.
 */
export async function checkHostZones(
  db: ComputeDb,
  aggregateId: number,
  hosts: string[],
  zone: string | undefined,
  action: 'add' | 'update',
): Promise<void> {
  if (zone === undefined || hosts.length === 0) return;
  const others = await db
    .selectFrom('aggregate_hosts as h')
    .innerJoin('aggregate_metadata as m', 'm.aggregate_id', 'h.aggregate_id')
    .select(['h.host', 'm.value'])
    .where('h.host', 'in', hosts)
    .where('m.key', '=', 'availability_zone')
    .where('h.aggregate_id', '!=', aggregateId)
    .execute();
  const clashing = [...new Set(others.filter((o) => o.value !== zone).map((o) => o.value))];
  if (clashing.length === 0) return;
  if (action === 'add')
    throw badRequest(
      `Cannot add host to aggregate ${aggregateId}. Reason: One or more hosts already in availability zone(s) ${JSON.stringify(clashing)}.`,
    );
  throw badRequest(
    `Cannot update aggregate ${aggregateId}. Reason: One or more hosts already in availability zone(s) ${JSON.stringify(clashing)}.`,
  );
}
