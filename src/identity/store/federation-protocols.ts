import { isUniqueViolation } from '../../core/db/database.ts';
import { BadRequest, Conflict, NotFound } from '../../core/errors.ts';
import { extensionDb, type FederationProtocolRow } from '../extension-tables.ts';
import type { IdentityDb } from '../tables.ts';
import { getIdentityProvider } from './federation-identity-providers.ts';

const protocolNotFound = (idpId: string, id: string) =>
  new NotFound(`Could not find federated protocol ${id} for Identity Provider: ${idpId}.`);

/** Keystone answers 400, not 404, for a protocol naming a mapping that does not exist. */
async function requireMapping(db: IdentityDb, mappingId: string): Promise<void> {
  const found = await extensionDb(db)
    .selectFrom('mappings')
    .select('id')
    .where('id', '=', mappingId)
    .executeTakeFirst();
  if (!found) throw new BadRequest(`Invalid mapping id: ${mappingId}`);
}

export async function getProtocol(db: IdentityDb, idpId: string, id: string): Promise<FederationProtocolRow> {
  const row = await extensionDb(db)
    .selectFrom('federation_protocols')
    .selectAll()
    .where('idp_id', '=', idpId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw protocolNotFound(idpId, id);
  return row;
}

export async function listProtocols(db: IdentityDb, idpId: string): Promise<FederationProtocolRow[]> {
  await getIdentityProvider(db, idpId);
  return extensionDb(db)
    .selectFrom('federation_protocols')
    .selectAll()
    .where('idp_id', '=', idpId)
    .orderBy('id')
    .execute();
}

export async function createProtocol(db: IdentityDb, row: FederationProtocolRow): Promise<FederationProtocolRow> {
  return db.transaction().execute(async (trx) => {
    await requireMapping(trx, row.mapping_id);
    await getIdentityProvider(trx, row.idp_id);
    try {
      await extensionDb(trx).insertInto('federation_protocols').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err))
        throw new Conflict(`Conflict occurred attempting to store federation_protocol - Duplicate entry: ${row.id}`);
      throw err;
    }
    return row;
  });
}

export async function updateProtocol(
  db: IdentityDb,
  idpId: string,
  id: string,
  patch: Partial<Pick<FederationProtocolRow, 'mapping_id' | 'remote_id_attribute'>>,
): Promise<FederationProtocolRow> {
  return db.transaction().execute(async (trx) => {
    if (patch.mapping_id !== undefined) await requireMapping(trx, patch.mapping_id);
    await getIdentityProvider(trx, idpId);
    const next = { ...(await getProtocol(trx, idpId, id)), ...patch };
    await extensionDb(trx)
      .updateTable('federation_protocols')
      .set(next)
      .where('idp_id', '=', idpId)
      .where('id', '=', id)
      .execute();
    return next;
  });
}

export async function deleteProtocol(db: IdentityDb, idpId: string, id: string): Promise<void> {
  const res = await extensionDb(db)
    .deleteFrom('federation_protocols')
    .where('idp_id', '=', idpId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!res.numDeletedRows) throw protocolNotFound(idpId, id);
}
