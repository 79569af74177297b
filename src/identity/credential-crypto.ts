/**
 * Credential blobs (EC2 secrets, TOTP seeds) encrypted at rest, as Keystone encrypts them with its credential
 * keys: a database dump alone does not give away anyone's secret. One AES-256-GCM key lives in
 * `<dataDir>/credential-key` (32 random bytes, base64url), next to the Fernet keys; nodes sharing a database
 * must share that file as they share the Fernet repository.
 *
 * Stored form: `aesgcm1:` + base64url(iv ‖ tag ‖ ciphertext). A blob without the prefix is read as plain text,
 * so rows written before encryption (or by a tool writing the table directly) still work.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

const PREFIX = 'aesgcm1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface BlobCipher {
  seal(plain: string): Promise<string>;
  open(stored: string): Promise<string>;
}

const keys = new Map<string, Promise<Buffer>>();

/** The cipher for a data directory; the key is created on first use and read once per process. */
export function blobCipher(dataDir: string): BlobCipher {
  const key = () => {
    let k = keys.get(dataDir);
    if (!k) {
      k = loadOrCreateKey(join(dataDir, 'credential-key'));
      // A failed load (unreadable file) must not stick: the next request tries again.
      k.catch(() => keys.delete(dataDir));
      keys.set(dataDir, k);
    }
    return k;
  };
  return {
    async seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const c = createCipheriv('aes-256-gcm', await key(), iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
    },
    async open(stored) {
      if (!stored.startsWith(PREFIX)) return stored;
      const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
      const d = createDecipheriv('aes-256-gcm', await key(), raw.subarray(0, IV_BYTES));
      d.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      // A wrong key throws here: a 500 that names the operator's fault, never a blob of garbage.
      return Buffer.concat([d.update(raw.subarray(IV_BYTES + TAG_BYTES)), d.final()]).toString('utf8');
    },
  };
}

async function loadOrCreateKey(path: string): Promise<Buffer> {
  try {
    return decodeKey(await readFile(path, 'utf8'), path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(join(path, '..'), { recursive: true });
  // Write a temp file, then link() it into place: link fails if another process won the race, and nobody
  // ever reads a half-written key.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const file = await open(tmp, 'wx', 0o600);
  try {
    await file.writeFile(randomBytes(32).toString('base64url'));
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await link(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(tmp);
  }
  return decodeKey(await readFile(path, 'utf8'), path);
}

function decodeKey(text: string, path: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length !== 32) throw new Error(`${path} must hold 32 bytes in base64url; it holds ${key.length}`);
  return key;
}
