import { randomBytes, randomInt } from 'node:crypto';
import { NotFound, Unauthorized } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { type AccessTokenRow, extensionDb, type RequestTokenRow } from '../extension-tables.ts';
import type { IdentityDb } from '../tables.ts';

/** Keystone's defaults for [oauth1] request_token_duration and access_token_duration, in seconds. */
export const REQUEST_TOKEN_SECONDS = 28800;
export const ACCESS_TOKEN_SECONDS = 86400;

/** Letters and digits without the ones people misread (Keystone's verifier alphabet). */
const VERIFIER_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ23456789'].filter(
  (c) => !'jiIl1oO0'.includes(c),
);

/** Keystone's expiry format: ISO 8601 with microseconds. */
export const expiryIn = (seconds: number): string =>
  new Date(Date.now() + seconds * 1000).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export const isExpired = (expiresAt: string | null): boolean =>
  expiresAt !== null && Date.parse(expiresAt) < Date.now();

export async function getRequestToken(db: IdentityDb, id: string): Promise<RequestTokenRow> {
  const row = await extensionDb(db)
    .selectFrom('oauth1_request_tokens')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFound('Request token not found');
  return row;
}

export async function createRequestToken(
  db: IdentityDb,
  consumerId: string,
  projectId: string,
): Promise<RequestTokenRow> {
  const row: RequestTokenRow = {
    id: newId(),
    request_secret: randomBytes(16).toString('hex'),
    verifier: null,
    authorizing_user_id: null,
    requested_project_id: projectId,
    role_ids: null,
    consumer_id: consumerId,
    expires_at: expiryIn(REQUEST_TOKEN_SECONDS),
  };
  await extensionDb(db).insertInto('oauth1_request_tokens').values(row).execute();
  return row;
}

export async function authorizeRequestToken(
  db: IdentityDb,
  id: string,
  userId: string,
  roleIds: readonly string[],
): Promise<string> {
  const verifier = Array.from({ length: 8 }, () => VERIFIER_CHARS[randomInt(VERIFIER_CHARS.length)]).join('');
  const res = await extensionDb(db)
    .updateTable('oauth1_request_tokens')
    .set({ verifier, authorizing_user_id: userId, role_ids: JSON.stringify(roleIds) })
    .where('id', '=', id)
    .executeTakeFirst();
  if (!res.numUpdatedRows) throw new NotFound('Request token not found');
  return verifier;
}

/** Trades an authorized request token for an access token; the request token is used up. */
export async function exchangeRequestToken(db: IdentityDb, requestTokenId: string): Promise<AccessTokenRow> {
  return db.transaction().execute(async (trx) => {
    const req = await getRequestToken(trx, requestTokenId);
    if (!req.authorizing_user_id) throw new Unauthorized('Request Token does not have an authorizing user id.');
    const row: AccessTokenRow = {
      id: newId(),
      access_secret: randomBytes(16).toString('hex'),
      authorizing_user_id: req.authorizing_user_id,
      project_id: req.requested_project_id,
      role_ids: req.role_ids ?? '[]',
      consumer_id: req.consumer_id,
      expires_at: expiryIn(ACCESS_TOKEN_SECONDS),
    };
    const ext = extensionDb(trx);
    await ext.insertInto('oauth1_access_tokens').values(row).execute();
    await ext.deleteFrom('oauth1_request_tokens').where('id', '=', requestTokenId).execute();
    return row;
  });
}

export async function getAccessToken(db: IdentityDb, id: string): Promise<AccessTokenRow> {
  const row = await extensionDb(db)
    .selectFrom('oauth1_access_tokens')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFound('Access token not found');
  return row;
}

export function listAccessTokens(db: IdentityDb, userId: string): Promise<AccessTokenRow[]> {
  return extensionDb(db)
    .selectFrom('oauth1_access_tokens')
    .selectAll()
    .where('authorizing_user_id', '=', userId)
    .orderBy('id')
    .execute();
}

export async function deleteAccessToken(db: IdentityDb, userId: string, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await getAccessToken(trx, id);
    if (row.authorizing_user_id !== userId) throw new Unauthorized('User IDs do not match');
    await extensionDb(trx).deleteFrom('oauth1_access_tokens').where('id', '=', id).execute();
  });
}
