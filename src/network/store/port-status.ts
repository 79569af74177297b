import { isoNow } from '../standard-attrs.ts';
import type { NetworkDb, PortRow } from '../tables.ts';

/**
 * The one write the agent side makes to ports: the outcome of wiring a port on its host. Only a port still
 * bound to that host changes (a port re-bound elsewhere meanwhile belongs to the other host's agent). Returns
 * the row after the change, or undefined when nothing changed.
 */
export async function setPortStatus(
  db: NetworkDb,
  update: {
    port_id: string;
    host: string;
    status: string;
    vif_type?: string;
    vif_details?: Record<string, unknown>;
  },
): Promise<PortRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('ports')
      .selectAll()
      .where('id', '=', update.port_id)
      .where('binding_host_id', '=', update.host)
      .executeTakeFirst();
    if (!row) return undefined;
    const changes: Partial<PortRow> = {};
    if (row.status !== update.status) changes.status = update.status;
    if (update.vif_type !== undefined && row.binding_vif_type !== update.vif_type)
      changes.binding_vif_type = update.vif_type;
    const details = update.vif_details === undefined ? undefined : JSON.stringify(update.vif_details);
    if (details !== undefined && row.binding_vif_details !== details) changes.binding_vif_details = details;
    if (Object.keys(changes).length === 0) return undefined;
    const next = { ...changes, updated_at: isoNow(), revision_number: row.revision_number + 1 };
    await trx.updateTable('ports').set(next).where('id', '=', row.id).execute();
    return { ...row, ...next };
  });
}
