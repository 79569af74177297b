/**
 * A Fernet key repository laid out the way `keystone-manage fernet_setup` / `fernet_rotate` lay it out, so a
 * directory can be copied between Keystone and Strata (or synced across nodes with the same tools):
 *
 * - one file per key, named by a non-negative integer, holding 32 random bytes as 44 urlsafe-base64 chars;
 * - `0` is the staged key: every node can already decrypt with it, so it can become primary on any node first;
 * - the highest number is the primary key, the only one used to encrypt;
 * - every other number is a secondary key, kept only to decrypt tokens issued before a rotation.
 *
 * `maxActiveKeys` counts the staged key too, as Keystone's `[fernet_tokens] max_active_keys` does: with the
 * default 3 the repository holds staged + primary + one secondary, so a token survives exactly one rotation.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

const STAGED = 0;
const KEY_NAME = /^(0|[1-9][0-9]*)$/;

function newKey(): string {
  // Keystone's key files keep the padding (Python's urlsafe_b64encode); other tools expect 44 chars.
  return `${randomBytes(32).toString('base64url')}=`;
}

/**
 * Writes a fresh key to `0.tmp`, ready to be renamed to `0`, so a reader never sees a half-written key.
 * Returns the temp path.
 */
async function writeStagedCandidate(dir: string): Promise<string> {
  const tmp = join(dir, `${STAGED}.tmp`);
  const file = await open(tmp, 'w', 0o600);
  try {
    // A leftover temp file from a crash keeps its old mode on reopen; keys are secrets, so force owner-only.
    await file.chmod(0o600);
    await file.writeFile(newKey());
    await file.sync();
  } finally {
    await file.close();
  }
  return tmp;
}

/**
 * Maps key number to file contents. Files that are not plain integers (temp files, editor backups) and
 * empty files are skipped, as Keystone skips them.
 */
async function readKeyFiles(dir: string): Promise<Map<number, string>> {
  const keys = new Map<number, string>();
  for (const name of await readdir(dir)) {
    if (!KEY_NAME.test(name)) continue;
    const path = join(dir, name);
    if (!(await stat(path)).isFile()) continue;
    const key = (await readFile(path, 'utf8')).trim();
    if (key.length > 0) keys.set(Number(name), key);
  }
  return keys;
}

/** Creates the repository with a staged key `0` and a primary key `1`. Does nothing if `0` already exists. */
export async function setupKeyRepository(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const existing = await readKeyFiles(dir);
  if (existing.has(STAGED)) return;
  await rename(await writeStagedCandidate(dir), join(dir, String(STAGED)));
  // Same as Keystone: bootstrap a staged key, then rotate once so there is a primary to encrypt with.
  await rotateKeys(dir);
}

/**
 * Promotes the staged key to primary (numbered one above the current highest), stages a fresh key `0`,
 * and deletes the oldest non-staged keys so that at most `maxActiveKeys` remain including the staged one.
 */
export async function rotateKeys(dir: string, maxActiveKeys = 3): Promise<{ primary: number }> {
  // Fewer than staged + primary would leave nothing to encrypt with after a rotation.
  if (!Number.isInteger(maxActiveKeys) || maxActiveKeys < 2) {
    throw new Error(`maxActiveKeys must be an integer >= 2, got ${maxActiveKeys}`);
  }
  const keys = await readKeyFiles(dir);
  if (!keys.has(STAGED)) throw new Error(`Fernet key repository ${dir} has no staged key 0; run setup first`);

  const primary = Math.max(...keys.keys()) + 1;
  // The next staged key is fully written before the current one moves, so `0` is briefly absent, never torn.
  const tmp = await writeStagedCandidate(dir);
  await rename(join(dir, String(STAGED)), join(dir, String(primary)));
  await rename(tmp, join(dir, String(STAGED)));

  const active = [...keys.keys()].filter((n) => n !== STAGED);
  active.push(primary);
  active.sort((a, b) => b - a);
  for (const old of active.slice(maxActiveKeys - 1)) {
    await rm(join(dir, String(old)), { force: true });
  }
  return { primary };
}

/**
 * Keys in the order decryption should try them: primary, secondaries newest first, staged last.
 * Strings are the urlsafe-base64 text, which `fernet.ts` accepts directly.
 */
export async function loadKeys(dir: string): Promise<string[]> {
  const keys = await readKeyFiles(dir);
  // Descending puts the primary first and the staged key (0) last.
  return [...keys.keys()].sort((a, b) => b - a).map((n) => keys.get(n)!);
}
