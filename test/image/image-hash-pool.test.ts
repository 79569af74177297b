import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { parallelHash } from '../../src/image/image-hash-pool.ts';

const expected = (data: Buffer) => [
  createHash('md5').update(data).digest('hex'),
  createHash('sha512').update(data).digest('hex'),
];

async function feed(data: Buffer, chunk: number): Promise<string[]> {
  const hash = parallelHash(['md5', 'sha512']);
  for (let at = 0; at < data.length; at += chunk) await hash.update(data.subarray(at, at + chunk));
  return hash.digest();
}

test('hash pool: digests match node:crypto across slot boundaries', async () => {
  const data = randomBytes(9 * 1024 * 1024 + 123);
  // Chunks smaller than a slot, straddling slots, exactly one slot, and larger than every slot together.
  for (const chunk of [65_536, 333_333, 1024 * 1024, 5 * 1024 * 1024 + 7])
    assert.deepEqual(await feed(data, chunk), expected(data), `chunk ${chunk}`);
});

test('hash pool: empty data and concurrent jobs', async () => {
  assert.deepEqual(await parallelHash(['md5', 'sha512']).digest(), expected(Buffer.alloc(0)));
  const inputs = [randomBytes(3_000_000), randomBytes(10), randomBytes(2 * 1024 * 1024)];
  const got = await Promise.all(inputs.map((d) => feed(d, 100_000)));
  assert.deepEqual(got, inputs.map(expected));
});

test('hash pool: a dropped job leaves the pool working', async () => {
  const dropped = parallelHash(['md5', 'sha512']);
  await dropped.update(randomBytes(3 * 1024 * 1024));
  dropped.drop();
  dropped.drop();
  const data = randomBytes(1000);
  assert.deepEqual(await feed(data, 64), expected(data));
});
