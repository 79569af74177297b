import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fernetDecrypt, fernetEncrypt, InvalidToken } from '../../src/identity/fernet.ts';
import { loadKeys, rotateKeys, setupKeyRepository } from '../../src/identity/fernet-keys.ts';

const KEY_TEXT = /^[A-Za-z0-9_-]{43}=$/;

describe('fernet key repository', () => {
  let base: string;
  let dir: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'strata-fernet-'));
    dir = join(base, 'fernet-keys');
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  const names = async () => (await readdir(dir)).sort((a, b) => Number(a) - Number(b));
  const read = (name: string) => readFile(join(dir, name), 'utf8');

  it('sets up a staged key 0 and a primary key 1, owner-only', async () => {
    await setupKeyRepository(dir);
    assert.deepEqual(await names(), ['0', '1']);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    for (const name of ['0', '1']) {
      assert.match(await read(name), KEY_TEXT);
      assert.equal((await stat(join(dir, name))).mode & 0o777, 0o600);
    }
    assert.equal(Buffer.from(await read('1'), 'base64url').length, 32);
    assert.notEqual(await read('0'), await read('1'));
  });

  it('leaves an existing repository alone', async () => {
    await setupKeyRepository(dir);
    const before = [await read('0'), await read('1')];
    await setupKeyRepository(dir);
    assert.deepEqual(await names(), ['0', '1']);
    assert.deepEqual([await read('0'), await read('1')], before);
  });

  it('promotes the staged key and stages a new one', async () => {
    await setupKeyRepository(dir);
    const staged = await read('0');
    assert.deepEqual(await rotateKeys(dir), { primary: 2 });
    assert.deepEqual(await names(), ['0', '1', '2']);
    assert.equal(await read('2'), staged);
    assert.notEqual(await read('0'), staged);
    assert.equal((await stat(join(dir, '0'))).mode & 0o777, 0o600);
  });

  it('loads primary first, then secondaries newest first, staged last', async () => {
    await setupKeyRepository(dir);
    await rotateKeys(dir, 5);
    await rotateKeys(dir, 5);
    assert.deepEqual(await names(), ['0', '1', '2', '3']);
    assert.deepEqual(await loadKeys(dir), [await read('3'), await read('2'), await read('1'), await read('0')]);
  });

  it('keeps maxActiveKeys keys counting the staged one, dropping the oldest', async () => {
    await setupKeyRepository(dir);
    await rotateKeys(dir);
    await rotateKeys(dir);
    assert.deepEqual(await names(), ['0', '2', '3']);
    await rotateKeys(dir, 4);
    assert.deepEqual(await names(), ['0', '2', '3', '4']);
    await rotateKeys(dir, 2);
    assert.deepEqual(await names(), ['0', '5']);
  });

  it('decrypts a token from the old primary until it rotates out', async () => {
    for (const max of [3, 4]) {
      await rm(dir, { recursive: true, force: true });
      await setupKeyRepository(dir);
      const token = fernetEncrypt((await loadKeys(dir))[0], Buffer.from('payload'));
      // Staged + primary take two of the max slots, so an old primary lasts max - 2 rotations, as in Keystone.
      for (let rotations = 1; rotations <= max; rotations++) {
        await rotateKeys(dir, max);
        const keys = await loadKeys(dir);
        if (rotations <= max - 2) {
          assert.equal(fernetDecrypt(keys, token).plaintext.toString(), 'payload', `max ${max}, ${rotations}`);
        } else {
          assert.throws(() => fernetDecrypt(keys, token), InvalidToken, `max ${max}, ${rotations}`);
        }
      }
    }
  });

  it('accepts tokens from a node that already promoted the staged key', async () => {
    await setupKeyRepository(dir);
    const stagedHere = await read('0');
    const token = fernetEncrypt(stagedHere, Buffer.from('early'));
    assert.equal(fernetDecrypt(await loadKeys(dir), token).plaintext.toString(), 'early');
  });

  it('ignores temp files, non-numeric names and empty key files', async () => {
    await setupKeyRepository(dir);
    await writeFile(join(dir, '0.tmp'), 'junk');
    await writeFile(join(dir, 'README'), 'junk');
    await writeFile(join(dir, '7'), '');
    assert.deepEqual(await loadKeys(dir), [await read('1'), await read('0')]);
    assert.deepEqual(await rotateKeys(dir), { primary: 2 });
  });

  it('refuses to rotate a repository with no staged key or too few slots', async () => {
    await assert.rejects(rotateKeys(dir));
    await setupKeyRepository(dir);
    await assert.rejects(rotateKeys(dir, 1));
    await rm(join(dir, '0'));
    await assert.rejects(rotateKeys(dir), /no staged key/);
  });
});
