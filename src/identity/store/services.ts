import { NotFound } from '../../core/errors.ts';
import { parseObject, toBool } from '../rows.ts';
import type { IdentityDb, ServiceRow } from '../tables.ts';

/** A catalog service as Keystone answers it: `name` and any free-form attribute live in `extra`. */
export interface Service {
  id: string;
  type: string;
  enabled: boolean;
  name: string;
  [extra: string]: unknown;
}

export const serviceOf = (r: ServiceRow): Service => {
  const extra = parseObject(r.extra);
  // Keystone stores '' when a service is created without a name and always answers the key.
  return { ...extra, id: r.id, type: r.type, enabled: toBool(r.enabled), name: String(extra.name ?? '') };
};

export async function getService(db: IdentityDb, id: string): Promise<ServiceRow> {
  const row = await db.selectFrom('services').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(`Could not find service: ${id}.`);
  return row;
}

export async function findService(db: IdentityDb, id: string): Promise<ServiceRow | undefined> {
  return db.selectFrom('services').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listServices(db: IdentityDb, filter: { type?: string; name?: string }): Promise<ServiceRow[]> {
  let q = db.selectFrom('services').selectAll().orderBy('id');
  if (filter.type !== undefined) q = q.where('type', '=', filter.type);
  const rows = await q.execute();
  // The name lives in the JSON `extra` column, so that filter runs here rather than in SQL.
  return filter.name === undefined ? rows : rows.filter((r) => serviceOf(r).name === filter.name);
}

export async function createService(db: IdentityDb, row: ServiceRow): Promise<ServiceRow> {
  await db.insertInto('services').values(row).execute();
  return row;
}

export async function updateService(
  db: IdentityDb,
  id: string,
  patch: (current: ServiceRow) => Partial<ServiceRow>,
): Promise<ServiceRow> {
  return db.transaction().execute(async (trx) => {
    const current = await getService(trx, id);
    const next = { ...current, ...patch(current), id };
    await trx.updateTable('services').set(next).where('id', '=', id).execute();
    return next;
  });
}

/**
 * Keystone deletes a service's endpoints with it. Its registered limits and the limits under them go too:
 * they name a service that no longer exists and could never be enforced or matched again.
 */
export async function deleteService(db: IdentityDb, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getService(trx, id);
    await trx.deleteFrom('endpoints').where('service_id', '=', id).execute();
    await trx.deleteFrom('limits').where('service_id', '=', id).execute();
    await trx.deleteFrom('registered_limits').where('service_id', '=', id).execute();
    await trx.deleteFrom('services').where('id', '=', id).execute();
  });
}
