import { isUniqueViolation } from '../../core/db/database.ts';
import { Conflict, NotFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { extensionDb, type IdentityProviderRow } from '../extension-tables.ts';
import { toBool } from '../rows.ts';
import { type IdentityDb, ROOT } from '../tables.ts';
import { getDomain } from './domains.ts';

export interface IdentityProvider {
  id: string;
  domain_id: string;
  enabled: boolean;
  description: string | null;
  authorization_ttl: number | null;
  remote_ids: string[];
}

export interface IdpWithRemotes {
  row: IdentityProviderRow;
  remoteIds: string[];
}

export const identityProviderOf = ({ row, remoteIds }: IdpWithRemotes): IdentityProvider => ({
  id: row.id,
  domain_id: row.domain_id,
  enabled: toBool(row.enabled),
  description: row.description,
  authorization_ttl: row.authorization_ttl,
  remote_ids: remoteIds,
});

export const idpNotFound = (id: string) => new NotFound(`Could not find Identity Provider: ${id}.`);

async function remoteIdsOf(db: IdentityDb, idpIds: readonly string[]): Promise<Map<string, string[]>> {
  const byIdp = new Map<string, string[]>(idpIds.map((id) => [id, []]));
  if (idpIds.length === 0) return byIdp;
  const rows = await extensionDb(db)
    .selectFrom('idp_remote_ids')
    .selectAll()
    .where('idp_id', 'in', idpIds)
    .orderBy('remote_id')
    .execute();
  for (const r of rows) byIdp.get(r.idp_id)?.push(r.remote_id);
  return byIdp;
}

export async function getIdentityProvider(db: IdentityDb, id: string): Promise<IdpWithRemotes> {
  const row = await extensionDb(db)
    .selectFrom('identity_providers')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw idpNotFound(id);
  return { row, remoteIds: (await remoteIdsOf(db, [id])).get(id) ?? [] };
}

export async function listIdentityProviders(
  db: IdentityDb,
  filter: { id?: string; enabled?: boolean },
): Promise<IdpWithRemotes[]> {
  let q = extensionDb(db).selectFrom('identity_providers').selectAll().orderBy('id');
  if (filter.id !== undefined) q = q.where('id', '=', filter.id);
  if (filter.enabled !== undefined) q = q.where('enabled', '=', filter.enabled ? 1 : 0);
  const rows = await q.execute();
  const remotes = await remoteIdsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => ({ row, remoteIds: remotes.get(row.id) ?? [] }));
}

async function setRemoteIds(db: IdentityDb, idpId: string, remoteIds: readonly string[]): Promise<void> {
  const ext = extensionDb(db);
  await ext.deleteFrom('idp_remote_ids').where('idp_id', '=', idpId).execute();
  if (remoteIds.length === 0) return;
  // Looked up first: after a failed insert PostgreSQL refuses further queries in the transaction.
  const taken = await ext
    .selectFrom('idp_remote_ids')
    .select('remote_id')
    .where('remote_id', 'in', remoteIds)
    .executeTakeFirst();
  const duplicate = () => new Conflict(`Duplicate remote ID: ${taken?.remote_id ?? remoteIds.join(', ')}`);
  if (taken) throw duplicate();
  try {
    await ext
      .insertInto('idp_remote_ids')
      .values(remoteIds.map((remote_id) => ({ idp_id: idpId, remote_id })))
      .execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate();
    throw err;
  }
}

export interface NewIdentityProvider {
  id: string;
  /** Undefined: Keystone creates a domain for the identity provider's users. */
  domain_id?: string;
  enabled: boolean;
  description: string | null;
  authorization_ttl: number | null;
  remote_ids: readonly string[];
}

/** One transaction: a conflict leaves neither the identity provider nor its auto-created domain behind. */
export async function createIdentityProvider(db: IdentityDb, idp: NewIdentityProvider): Promise<IdpWithRemotes> {
  return db.transaction().execute(async (trx) => {
    let domainId = idp.domain_id;
    if (domainId === undefined) {
      domainId = newId();
      await trx
        .insertInto('projects')
        .values({
          id: domainId,
          name: domainId,
          domain_id: ROOT,
          parent_id: null,
          is_domain: 1,
          enabled: 1,
          description: `Auto generated federated domain for Identity Provider: ${idp.id}`,
          extra: '{}',
          options: '{}',
        })
        .execute();
    } else {
      await getDomain(trx, domainId);
    }
    const row: IdentityProviderRow = {
      id: idp.id,
      domain_id: domainId,
      enabled: idp.enabled ? 1 : 0,
      description: idp.description,
      authorization_ttl: idp.authorization_ttl,
    };
    try {
      await extensionDb(trx).insertInto('identity_providers').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err))
        throw new Conflict(`Conflict occurred attempting to store identity_provider - Duplicate entry: ${idp.id}`);
      throw err;
    }
    await setRemoteIds(trx, idp.id, idp.remote_ids);
    return getIdentityProvider(trx, idp.id);
  });
}

export async function updateIdentityProvider(
  db: IdentityDb,
  id: string,
  patch: Partial<Pick<IdentityProviderRow, 'enabled' | 'description' | 'authorization_ttl'>>,
  remoteIds: readonly string[] | undefined,
): Promise<IdpWithRemotes> {
  return db.transaction().execute(async (trx) => {
    const current = await getIdentityProvider(trx, id);
    await extensionDb(trx)
      .updateTable('identity_providers')
      .set({ ...current.row, ...patch })
      .where('id', '=', id)
      .execute();
    if (remoteIds !== undefined) await setRemoteIds(trx, id, remoteIds);
    return getIdentityProvider(trx, id);
  });
}

/** Its remote ids and protocols go with it (foreign key cascade); its domain stays, as in Keystone. */
export async function deleteIdentityProvider(db: IdentityDb, id: string): Promise<void> {
  const res = await extensionDb(db).deleteFrom('identity_providers').where('id', '=', id).executeTakeFirst();
  if (!res.numDeletedRows) throw idpNotFound(id);
}
