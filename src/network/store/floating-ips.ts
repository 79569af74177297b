import type { SelectQueryBuilder } from 'kysely';
import type { Caller } from '../access.ts';
import type { FloatingIpRow, NetworkDb, NetworkTables, PortForwardingRow } from '../tables.ts';
import { deleteTags } from './tags.ts';

/** Floating IPs the caller may see: their project's (an admin sees all). */
export function visibleFloatingIps(
  db: NetworkDb,
  caller: Caller,
): SelectQueryBuilder<NetworkTables, 'floatingips', FloatingIpRow> {
  const q = db.selectFrom('floatingips').selectAll('floatingips');
  return caller.isAdmin ? q : q.where('floatingips.project_id', '=', caller.projectId);
}

export async function insertFloatingIp(db: NetworkDb, row: FloatingIpRow): Promise<void> {
  await db.insertInto('floatingips').values(row).execute();
}

export async function updateFloatingIp(db: NetworkDb, id: string, changes: Partial<FloatingIpRow>): Promise<void> {
  await db.updateTable('floatingips').set(changes).where('id', '=', id).execute();
}

export async function deleteFloatingIpRow(db: NetworkDb, id: string): Promise<void> {
  await db.deleteFrom('port_forwardings').where('floatingip_id', '=', id).execute();
  await deleteTags(db, 'floatingip', id);
  await db.deleteFrom('floatingips').where('id', '=', id).execute();
}

/** Port forwardings of many floating IPs. */
export async function forwardingsOf(
  db: NetworkDb,
  fipIds: readonly string[],
): Promise<Map<string, PortForwardingRow[]>> {
  const out = new Map<string, PortForwardingRow[]>();
  if (fipIds.length === 0) return out;
  const rows = await db
    .selectFrom('port_forwardings')
    .selectAll()
    .where('floatingip_id', 'in', [...fipIds])
    .orderBy('id')
    .execute();
  for (const r of rows) out.set(r.floatingip_id, [...(out.get(r.floatingip_id) ?? []), r]);
  return out;
}
