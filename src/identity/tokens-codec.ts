/**
 * Token strings as Keystone hands them out: a Fernet token around a msgpack payload, with the base64
 * `=` padding stripped because it is not URL-safe (clients put tokens in headers and query strings).
 * Times here are ms since the epoch, like the rest of Strata; the Fernet layer works in seconds.
 */
import { fernetDecrypt, fernetEncrypt, InvalidToken } from './fernet.ts';
import type { TokenPayload } from './token-payload.ts';
import { packPayload, unpackPayload } from './token-payload.ts';

// Real tokens are ~180-250 chars; anything this long is junk, and refusing it early caps the work a
// client can make us do per request.
const MAX_TOKEN_LENGTH = 1024;

type Keys = readonly (Buffer | string)[];

/** Encrypts with `keys[0]`, the primary key in `loadKeys` order. */
export function issueTokenString(keys: Keys, p: TokenPayload, now = Date.now()): string {
  if (keys.length === 0) throw new Error('No Fernet keys loaded; set up the key repository first');
  return fernetEncrypt(keys[0], packPayload(p), { now: Math.floor(now / 1000) }).replace(/=+$/, '');
}

/**
 * Authenticates and decodes a token. It does not check `expiresAt` or revocations: the caller does, because
 * Keystone answers differently for an expired token (404 as X-Subject-Token, 401 as X-Auth-Token).
 */
export function readTokenString(keys: Keys, token: string): { payload: TokenPayload; issuedAt: number } {
  if (token.length > MAX_TOKEN_LENGTH) throw new InvalidToken('Token is too long');
  const { plaintext, issuedAt } = fernetDecrypt(keys, token);
  return { payload: unpackPayload(plaintext), issuedAt: issuedAt * 1000 };
}
