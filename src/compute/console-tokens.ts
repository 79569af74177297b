import { createHash, randomBytes } from 'node:crypto';
import type { ConsoleEndpoint } from './drivers/hypervisor.ts';
import type { ComputeDb } from './tables.ts';

/** Nova's [consoleauth] token_ttl: a console URL works for ten minutes. */
export const CONSOLE_TOKEN_TTL_SECONDS = 600;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * A new console token for `endpoint` (where the agent says the instance's console listens); the console proxy
 * (with the real driver) looks it up by the token in the URL. Expired tokens of the instance are dropped.
 */
export async function issueConsoleToken(
  db: ComputeDb,
  instanceUuid: string,
  consoleType: string,
  endpoint: ConsoleEndpoint,
): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  const now = new Date();
  const t = db;
  await t.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('console_auth_tokens')
      .where('instance_uuid', '=', instanceUuid)
      .where('expires_at', '<', now.toISOString())
      .execute();
    await trx
      .insertInto('console_auth_tokens')
      .values({
        token_hash: hashOf(token),
        instance_uuid: instanceUuid,
        console_type: consoleType,
        host: endpoint.host,
        port: endpoint.port,
        internal: JSON.stringify(endpoint.internal ?? {}),
        expires_at: new Date(now.getTime() + CONSOLE_TOKEN_TTL_SECONDS * 1000).toISOString(),
        created_at: now.toISOString(),
      })
      .execute();
  });
  return token;
}

/** What an unexpired token grants, for the console proxy. */
export async function validateConsoleToken(db: ComputeDb, token: string) {
  const row = await db
    .selectFrom('console_auth_tokens')
    .selectAll()
    .where('token_hash', '=', hashOf(token))
    .executeTakeFirst();
  if (!row || row.expires_at < new Date().toISOString()) return undefined;
  return row;
}
