import { createHash, randomBytes } from 'node:crypto';
import type { ConsoleEndpoint } from './drivers/hypervisor.ts';
import type { ComputeDb } from './tables.ts';

/** Nova's [consoleauth] token_ttl default; the configured value is config.compute.qemu.consoleTokenTtl. */
export const CONSOLE_TOKEN_TTL_SECONDS = 600;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * A new console token for `endpoint` (where the agent says the instance's console listens), valid for
 * `ttlSeconds`; the console proxy looks it up by the token in the URL. Expired tokens of the instance are dropped.
 */
export async function issueConsoleToken(
  db: ComputeDb,
  instanceUuid: string,
  consoleType: string,
  endpoint: ConsoleEndpoint,
  ttlSeconds = CONSOLE_TOKEN_TTL_SECONDS,
  now = new Date(),
): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await db.transaction().execute(async (trx) => {
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
        expires_at: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
        created_at: now.toISOString(),
      })
      .execute();
  });
  return token;
}

/** What a console token grants: the instance, the console type and where the console listens. */
export interface ConsoleGrant {
  instanceUuid: string;
  consoleType: string;
  host: string;
  port: number;
  internal: Record<string, unknown>;
  expiresAt: string;
}

/**
 * The grant of an unexpired token, for the console proxy. As in Nova (ConsoleAuthToken.validate) a token is
 * not used up by a connection: it opens the console as often as asked until it expires or is revoked, since
 * noVNC reconnects with the same URL. `types`, when given, are the console types the caller's endpoint serves
 * (a serial token does not open a VNC console, as Nova's proxy checks the console's port against its type).
 */
export async function validateConsoleToken(
  db: ComputeDb,
  token: string,
  opts: { types?: readonly string[]; now?: Date } = {},
): Promise<ConsoleGrant | undefined> {
  if (!token) return undefined;
  const row = await db
    .selectFrom('console_auth_tokens')
    .selectAll()
    .where('token_hash', '=', hashOf(token))
    .executeTakeFirst();
  if (!row || row.expires_at <= (opts.now ?? new Date()).toISOString()) return undefined;
  if (opts.types && !opts.types.includes(row.console_type)) return undefined;
  return {
    instanceUuid: row.instance_uuid,
    consoleType: row.console_type,
    host: row.host,
    port: row.port,
    internal: parseInternal(row.internal),
    expiresAt: row.expires_at,
  };
}

/**
 * Drops every token of an instance (Nova's clean_console_auths_for_instance): its console moved or went away,
 * on delete, rebuild, resize and migration.
 */
export async function revokeConsoleTokens(db: ComputeDb, instanceUuid: string): Promise<void> {
  await db.deleteFrom('console_auth_tokens').where('instance_uuid', '=', instanceUuid).execute();
}

function parseInternal(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}
