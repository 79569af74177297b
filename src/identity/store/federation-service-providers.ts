import { isUniqueViolation } from '../../core/db/database.ts';
import { Conflict, NotFound } from '../../core/errors.ts';
import { extensionDb, type ServiceProviderRow } from '../extension-tables.ts';
import { toBool } from '../rows.ts';
import type { IdentityDb } from '../tables.ts';

export const serviceProviderOf = (r: ServiceProviderRow) => ({
  id: r.id,
  enabled: toBool(r.enabled),
  description: r.description,
  auth_url: r.auth_url,
  sp_url: r.sp_url,
  relay_state_prefix: r.relay_state_prefix,
});

const spNotFound = (id: string) => new NotFound(`Could not find Service Provider: ${id}.`);

export async function getServiceProvider(db: IdentityDb, id: string): Promise<ServiceProviderRow> {
  const row = await extensionDb(db).selectFrom('service_providers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw spNotFound(id);
  return row;
}

export function listServiceProviders(
  db: IdentityDb,
  filter: { id?: string; enabled?: boolean },
): Promise<ServiceProviderRow[]> {
  let q = extensionDb(db).selectFrom('service_providers').selectAll().orderBy('id');
  if (filter.id !== undefined) q = q.where('id', '=', filter.id);
  if (filter.enabled !== undefined) q = q.where('enabled', '=', filter.enabled ? 1 : 0);
  return q.execute();
}

/** What every token lists under `service_providers` (Keystone adds the key only when there is one). */
/** How a token lists a service provider. */
export interface ServiceProviderRef {
  id: string;
  auth_url: string;
  sp_url: string;
}

export async function enabledServiceProviders(db: IdentityDb): Promise<ServiceProviderRef[]> {
  return extensionDb(db)
    .selectFrom('service_providers')
    .select(['id', 'auth_url', 'sp_url'])
    .where('enabled', '=', 1)
    .orderBy('id')
    .execute();
}

export async function createServiceProvider(db: IdentityDb, row: ServiceProviderRow): Promise<ServiceProviderRow> {
  try {
    await extensionDb(db).insertInto('service_providers').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err))
      throw new Conflict(`Conflict occurred attempting to store service_provider - Duplicate entry: ${row.id}`);
    throw err;
  }
  return row;
}

export async function updateServiceProvider(
  db: IdentityDb,
  id: string,
  patch: Partial<ServiceProviderRow>,
): Promise<ServiceProviderRow> {
  return db.transaction().execute(async (trx) => {
    const next = { ...(await getServiceProvider(trx, id)), ...patch, id };
    await extensionDb(trx).updateTable('service_providers').set(next).where('id', '=', id).execute();
    return next;
  });
}

export async function deleteServiceProvider(db: IdentityDb, id: string): Promise<void> {
  const res = await extensionDb(db).deleteFrom('service_providers').where('id', '=', id).executeTakeFirst();
  if (!res.numDeletedRows) throw spNotFound(id);
}
