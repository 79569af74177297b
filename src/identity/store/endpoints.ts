import { BadRequest, NotFound } from '../../core/errors.ts';
import { parseObject, toBool } from '../rows.ts';
import type { EndpointRow, IdentityDb } from '../tables.ts';

export interface Endpoint {
  id: string;
  interface: string;
  region_id: string | null;
  /** Keystone still answers the pre-3.2 `region` key, always equal to region_id. */
  region: string | null;
  service_id: string;
  url: string;
  enabled: boolean;
  [extra: string]: unknown;
}

export const endpointOf = (r: EndpointRow): Endpoint => ({
  ...parseObject(r.extra),
  id: r.id,
  interface: r.interface,
  region_id: r.region_id,
  region: r.region_id,
  service_id: r.service_id,
  url: r.url,
  enabled: toBool(r.enabled),
});

/** Keystone's ValidationError wording for a reference to a row that is not there. */
const missing = (attribute: string, table: string) =>
  new BadRequest(
    `Expecting to find ${attribute} in ${table}. The server could not comply with the request since it is either ` +
      'malformed or otherwise incorrect. The client is assumed to be in error.',
  );

export interface RegionChoice {
  /** The request named the region with the legacy `region` key: Keystone creates it when it does not exist. */
  autoCreate: boolean;
}

export async function getEndpoint(db: IdentityDb, id: string): Promise<EndpointRow> {
  const row = await db.selectFrom('endpoints').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(`Could not find endpoint: ${id}.`);
  return row;
}

export async function listEndpoints(
  db: IdentityDb,
  filter: { interface?: string; service_id?: string; region_id?: string },
): Promise<EndpointRow[]> {
  let q = db.selectFrom('endpoints').selectAll().orderBy('id');
  if (filter.interface !== undefined) q = q.where('interface', '=', filter.interface);
  if (filter.service_id !== undefined) q = q.where('service_id', '=', filter.service_id);
  if (filter.region_id !== undefined) q = q.where('region_id', '=', filter.region_id);
  return q.execute();
}

async function checkService(db: IdentityDb, serviceId: string): Promise<void> {
  const found = await db.selectFrom('services').select('id').where('id', '=', serviceId).executeTakeFirst();
  if (!found) throw missing('endpoint service_id', 'service table');
}

async function checkRegion(db: IdentityDb, regionId: string, { autoCreate }: RegionChoice): Promise<void> {
  const found = await db.selectFrom('regions').select('id').where('id', '=', regionId).executeTakeFirst();
  if (found) return;
  if (!autoCreate) throw missing('endpoint region_id', 'region table');
  await db
    .insertInto('regions')
    .values({ id: regionId, description: '', parent_region_id: null, extra: '{}' })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Checks the service and region first, so a bad service never leaves an auto-created region behind. */
export async function createEndpoint(db: IdentityDb, row: EndpointRow, region: RegionChoice): Promise<EndpointRow> {
  return db.transaction().execute(async (trx) => {
    await checkService(trx, row.service_id);
    if (row.region_id !== null) await checkRegion(trx, row.region_id, region);
    await trx.insertInto('endpoints').values(row).execute();
    return row;
  });
}

export async function updateEndpoint(
  db: IdentityDb,
  id: string,
  patch: (current: EndpointRow) => Partial<EndpointRow>,
  region: RegionChoice,
): Promise<EndpointRow> {
  return db.transaction().execute(async (trx) => {
    const current = await getEndpoint(trx, id);
    const changes = patch(current);
    // As Keystone, only references the request changes are checked.
    if (changes.service_id !== undefined) await checkService(trx, changes.service_id);
    if (changes.region_id) await checkRegion(trx, changes.region_id, region);
    const next = { ...current, ...changes, id };
    await trx.updateTable('endpoints').set(next).where('id', '=', id).execute();
    return next;
  });
}

export async function deleteEndpoint(db: IdentityDb, id: string): Promise<void> {
  const res = await db.deleteFrom('endpoints').where('id', '=', id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new NotFound(`Could not find endpoint: ${id}.`);
}
