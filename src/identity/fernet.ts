/**
 * Fernet symmetric tokens as published at https://github.com/fernet/spec (version 0x80), which is what
 * Keystone's Fernet token provider wraps its payload in.
 *
 * Wire layout, base64url encoded:
 *   0x80 | timestamp (u64 BE, Unix seconds) | IV (16) | AES-128-CBC ciphertext, PKCS7 padded | HMAC-SHA256 (32)
 * The HMAC covers everything before it. A key is 32 bytes: the first half signs, the second half encrypts.
 *
 * Times here are Unix seconds because that is what the token carries; `tokens-codec.ts` converts to ms.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Any token that is malformed, unsigned by a known key, or (with a TTL) outside its lifetime. */
export class InvalidToken extends Error {
  constructor(message = 'Invalid Fernet token', options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidToken';
  }
}

const VERSION = 0x80;
const HEADER_LEN = 1 + 8 + 16;
const HMAC_LEN = 32;
const BLOCK = 16;
// The spec's verifier rejects tokens stamped more than this far in the future when a TTL is checked.
const MAX_CLOCK_SKEW_SEC = 60;

const KEY_TEXT = /^[A-Za-z0-9_-]{43}=?$/;
const TOKEN_TEXT = /^[A-Za-z0-9_-]+={0,2}$/;

type SplitKey = { signing: Buffer; encryption: Buffer };

/**
 * A string key is the 44-character urlsafe-base64 text that Keystone keeps in its key files; a Buffer is
 * the 32 raw bytes. A bad key is a configuration fault, not a bad token, so it throws a plain Error.
 */
function splitKey(key: Buffer | string): SplitKey {
  let raw: Buffer;
  if (typeof key === 'string') {
    const text = key.trim();
    if (!KEY_TEXT.test(text)) throw new Error('Fernet key must be 32 bytes of urlsafe base64');
    raw = Buffer.from(text, 'base64url');
  } else {
    raw = key;
  }
  if (raw.length !== 32) throw new Error(`Fernet key must be 32 bytes, got ${raw.length}`);
  return { signing: raw.subarray(0, 16), encryption: raw.subarray(16, 32) };
}

function sign(signingKey: Buffer, data: Buffer): Buffer {
  return createHmac('sha256', signingKey).update(data).digest();
}

/**
 * Encrypts `plaintext` into a padded base64url token. `opts.now` (Unix seconds, default the clock) and
 * `opts.iv` exist for reproducible test vectors; production callers pass neither.
 */
export function fernetEncrypt(
  key: Buffer | string,
  plaintext: Uint8Array,
  opts: { now?: number; iv?: Buffer } = {},
): string {
  const { signing, encryption } = splitKey(key);
  const now = Math.floor(opts.now ?? Date.now() / 1000);
  if (!Number.isSafeInteger(now) || now < 0) throw new Error(`Fernet timestamp out of range: ${opts.now}`);
  const iv = opts.iv ?? randomBytes(16);
  if (iv.length !== 16) throw new Error('Fernet IV must be 16 bytes');

  const header = Buffer.alloc(HEADER_LEN);
  header[0] = VERSION;
  header.writeBigUInt64BE(BigInt(now), 1);
  iv.copy(header, 9);
  const cipher = createCipheriv('aes-128-cbc', encryption, iv);
  const signed = Buffer.concat([header, cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([signed, sign(signing, signed)]).toString('base64url') + padding(signed.length + HMAC_LEN);
}

// Node's base64url output is unpadded; the spec (and Python's urlsafe_b64encode) pad to a multiple of 4.
function padding(byteLength: number): string {
  return '='.repeat((3 - (byteLength % 3)) % 3);
}

/** Decodes the outer base64url, accepting the unpadded form Keystone hands to clients. */
function decodeTokenBytes(token: string): Buffer {
  if (!TOKEN_TEXT.test(token)) throw new InvalidToken('Fernet token is not base64url');
  const body = token.replace(/=+$/, '');
  // A base64 string can never be one character past a multiple of 4; padding cannot repair it.
  if (body.length % 4 === 1) throw new InvalidToken('Fernet token has an impossible length');
  if (token.length !== body.length && token.length % 4 !== 0) throw new InvalidToken('Fernet token padding is wrong');
  const data = Buffer.from(body, 'base64url');
  // Reject non-canonical encodings (stray low bits in the last character) so one token has one spelling.
  if (data.toString('base64url') !== body) throw new InvalidToken('Fernet token is not canonical base64url');
  return data;
}

/**
 * Verifies and decrypts a token with the first key whose HMAC matches (Keystone passes primary, secondaries,
 * then the staged key). Returns the plaintext and the issue time in Unix seconds.
 *
 * Keystone checks expiry from its own payload, so no TTL is applied by default; `opts.ttlSec` enables the
 * spec's TTL and clock-skew checks (with `opts.now` in Unix seconds) for callers that want them.
 */
export function fernetDecrypt(
  keys: readonly (Buffer | string)[],
  token: string,
  opts: { ttlSec?: number; now?: number } = {},
): { plaintext: Buffer; issuedAt: number } {
  if (keys.length === 0) throw new Error('No Fernet keys to decrypt with');
  const split = keys.map(splitKey);
  const data = decodeTokenBytes(token);
  // PKCS7 always adds at least one byte, so a valid token carries at least one ciphertext block.
  if (data.length < HEADER_LEN + BLOCK + HMAC_LEN) throw new InvalidToken('Fernet token is too short');
  if (data[0] !== VERSION) throw new InvalidToken('Unknown Fernet version');
  const cipherLen = data.length - HEADER_LEN - HMAC_LEN;
  if (cipherLen % BLOCK !== 0) throw new InvalidToken('Fernet ciphertext is not whole blocks');

  const issuedBig = data.readBigUInt64BE(1);
  if (issuedBig > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidToken('Fernet timestamp out of range');
  const issuedAt = Number(issuedBig);
  // The spec checks time before the HMAC so an expired token costs no MAC work.
  if (opts.ttlSec !== undefined) {
    const now = opts.now ?? Math.floor(Date.now() / 1000);
    if (issuedAt + opts.ttlSec < now) throw new InvalidToken('Fernet token has expired');
    if (now + MAX_CLOCK_SKEW_SEC < issuedAt) throw new InvalidToken('Fernet token is from the future');
  }

  const signed = data.subarray(0, data.length - HMAC_LEN);
  const mac = data.subarray(data.length - HMAC_LEN);
  const iv = data.subarray(9, HEADER_LEN);
  const ciphertext = data.subarray(HEADER_LEN, data.length - HMAC_LEN);
  for (const key of split) {
    if (!timingSafeEqual(sign(key.signing, signed), mac)) continue;
    try {
      const decipher = createDecipheriv('aes-128-cbc', key.encryption, iv);
      return { plaintext: Buffer.concat([decipher.update(ciphertext), decipher.final()]), issuedAt };
    } catch (cause) {
      // Only reachable with a correct MAC, i.e. the key holder produced bad padding.
      throw new InvalidToken('Fernet token padding is invalid', { cause });
    }
  }
  throw new InvalidToken('Fernet token signature does not match any key');
}
